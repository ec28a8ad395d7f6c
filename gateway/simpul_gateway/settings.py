"""The gateway's settings: the only place that reads the environment."""
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    AMQP_URI: str = "pyamqp://guest:guest@127.0.0.1:5672//"
    MONGO_URI: str = "mongodb://127.0.0.1:27027/?retryWrites=false"
    SIMPUL_DATA_KEY: str
    RPC_TIMEOUT_SECONDS: float = 5.0
    RPC_POOL_SIZE: int = 8
    PUBLISH_TIMEOUT_SECONDS: float = 5.0
    REGISTRY_CACHE_SECONDS: float = 60.0
    LOG_LEVEL: str = "INFO"


@lru_cache
def get_settings() -> Settings:
    return Settings()
