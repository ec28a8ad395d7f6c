pytest_plugins = [
    "simpul_devtools.pytest_fixtures",
    "simpul_devtools.broker_testing",
    "simpul_devtools.nameko_testing",
    "simpul_devtools.receivers_testing",
]
