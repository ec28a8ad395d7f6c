"""The gateway's settings: the only place that reads the environment."""
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    AMQP_URI: str = "pyamqp://guest:guest@127.0.0.1:5672//"
    MONGO_URI: str = "mongodb://127.0.0.1:27027/?retryWrites=false"
    SIMPUL_DATA_KEY: str
    SIMPUL_JWT_SECRET: str = Field(..., min_length=32, repr=False)   # signs the access tokens
    SIMPUL_TOKEN_MINUTES: int = Field(15, ge=1, le=24 * 60)
    SIMPUL_DEMO: bool = False   # demo mode: an anonymous dashboard visitor is a viewer
    RPC_TIMEOUT_SECONDS: float = 5.0
    RPC_POOL_SIZE: int = 8
    PUBLISH_TIMEOUT_SECONDS: float = 5.0
    REGISTRY_CACHE_SECONDS: float = 60.0
    PRINCIPAL_CACHE_SECONDS: float = 30.0   # how long a deactivated person or revoked key may linger
    LOG_LEVEL: str = "INFO"


@lru_cache
def get_settings() -> Settings:
    return Settings()
