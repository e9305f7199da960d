from .client import (
    KiriminAjaAuthError,
    KiriminAjaBadResponse,
    KiriminAjaClient,
    KiriminAjaConnectionError,
    KiriminAjaError,
    KiriminAjaRateLimited,
    KiriminAjaRequestError,
    KiriminAjaServerError,
    KiriminAjaTimeout,
)

__all__ = [
    "KiriminAjaAuthError",
    "KiriminAjaBadResponse",
    "KiriminAjaClient",
    "KiriminAjaConnectionError",
    "KiriminAjaError",
    "KiriminAjaRateLimited",
    "KiriminAjaRequestError",
    "KiriminAjaServerError",
    "KiriminAjaTimeout",
]
