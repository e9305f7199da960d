from . import (
    test_milestone_concurrency,
    test_milestone_mails,
    test_return_parcel,
    test_tracking_attempt_concurrency,
    test_tracking_page,
)
