"""pytest plugin for the service integration tests: nameko needs eventlet's monkey patching,
applied before anything opens a socket. Loaded with `-p simpul_devtools.eventlet_plugin`."""
import eventlet

eventlet.monkey_patch()
