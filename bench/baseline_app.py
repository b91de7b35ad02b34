"""The baseline HTTP service: a bare FastAPI endpoint returning constant JSON, same uvicorn settings."""

import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI()
BODY = {"id": 1, "fields": [], "default_currency": "USD", "default_locale": "en_US"}


@app.get("/constant")
async def constant() -> dict[str, object]:
    return BODY


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, proxy_headers=True)
