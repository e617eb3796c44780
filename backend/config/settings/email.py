from config.env import env

MANDRILL_API_KEY = env("MANDRILL_API_KEY", default="")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="anymail.backends.mandrill.EmailBackend"
    if MANDRILL_API_KEY
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Pulse <pulse@localhost>")
ANYMAIL = {"MANDRILL_API_KEY": MANDRILL_API_KEY}
if env("MANDRILL_API_URL", default=""):
    ANYMAIL["MANDRILL_API_URL"] = env("MANDRILL_API_URL")
# Inbound delivery events: the key Mandrill shows for the webhook, and the exact public URL it posts to
# (the signature covers the URL; behind a proxy the request's own URL may differ).
MANDRILL_WEBHOOK_KEY = env("MANDRILL_WEBHOOK_KEY", default="")
MANDRILL_WEBHOOK_URL = env("MANDRILL_WEBHOOK_URL", default="")
# Processed webhook events are kept this long to drop redeliveries, then purged daily (at least 1).
WEBHOOK_EVENT_RETENTION_DAYS = env.int("WEBHOOK_EVENT_RETENTION_DAYS", default=30)
# SMTP (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend). A bounded timeout: a mail server
# that accepts the connection and then stalls would otherwise hold a worker forever; a timeout is a
# transient failure, retried with backoff.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
