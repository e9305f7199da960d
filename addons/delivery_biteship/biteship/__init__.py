from .client import (
    BiteshipAuthError,
    BiteshipBadResponse,
    BiteshipClient,
    BiteshipConnectionError,
    BiteshipError,
    BiteshipRateLimited,
    BiteshipRequestError,
    BiteshipServerError,
    BiteshipTimeout,
)
