from config.env import env

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_EXPOSE_HEADERS = ["ETag", "Location", "Retry-After"]
CORS_ALLOW_HEADERS = ["authorization", "content-type", "if-match", "if-none-match", "idempotency-key"]
