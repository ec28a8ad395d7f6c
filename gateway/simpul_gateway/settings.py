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
    # hostile input (docs/security.md): 413 past a body limit; 429 past a rate limit, counted
    # per gateway replica; a limit of 0 a minute is off
    MAX_BODY_BYTES: int = Field(64 * 1024, ge=1024)           # a JSON (or form) request body
    MAX_UPLOAD_BYTES: int = Field(5 * 1024 * 1024, ge=1024)   # a CSV upload (Posyandu import)
    RATE_LIMIT_CLIENT_PER_MINUTE: int = Field(600, ge=0)      # each person or API key
    RATE_LIMIT_CLIENT_BURST: int = Field(120, ge=1)
    RATE_LIMIT_LOGIN_PER_MINUTE: int = Field(30, ge=0)        # sign-in attempts per IP address
    RATE_LIMIT_LOGIN_BURST: int = Field(10, ge=1)
    RATE_LIMIT_POSYANDU_PER_MINUTE: int = Field(60, ge=0)     # reports filed per Posyandu
    RATE_LIMIT_POSYANDU_BURST: int = Field(60, ge=1)
    RATE_LIMIT_MAX_BUCKETS: int = Field(10_000, ge=1)   # per limit; then the least recent go
    LOG_LEVEL: str = "INFO"


@lru_cache
def get_settings() -> Settings:
    return Settings()
