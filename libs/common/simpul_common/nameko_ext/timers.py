"""A nameko timer whose interval is a config setting, so it is set in the service's
config.yml (with environment substitution) like every other setting."""
from nameko.timer import Timer


class ConfiguredTimer(Timer):
    """`@ConfiguredTimer.decorator("RETENTION_SWEEP_SECONDS", 3600)`: fires every
    `config[setting]` seconds (`default` when the setting is absent)."""

    def __init__(self, setting: str, default: float, **kwargs):
        self.setting, self.default = setting, default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = float(self.container.config.get(self.setting, self.default))
        super().setup()


configured_timer = ConfiguredTimer.decorator
