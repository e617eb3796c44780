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
