"""Email delivery (SMTP). See ``integrations.email.smtp``."""

from integrations.email.smtp import (
    PermanentSendError,
    SendError,
    SmtpConfig,
    SmtpConfigError,
    SmtpSender,
    TemporarySendError,
    build_message,
    make_message_id,
)

__all__ = [
    "PermanentSendError", "SendError", "SmtpConfig", "SmtpConfigError", "SmtpSender", "TemporarySendError",
    "build_message", "make_message_id",
]
