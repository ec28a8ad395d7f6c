"""A logging filter that masks personal data (NIK, phone numbers, e-mail) in every record,
installed on every service's root logger: a careless log line never leaks a citizen's data."""
import logging
import re

_PATTERNS = (
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK]"),
    (re.compile(r"(?<![\w+])(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?!\d)"), "[TELEPON]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
)


def mask(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskPersonalData(logging.Filter):
    """Masks the message and the text of a logged exception or stack."""
    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


def install(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())
