"""The service: the standard library only. Run directly, it listens on 127.0.0.1:$APP_PORT."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = "{{project}}"


class Handler(BaseHTTPRequestHandler):
    """The hello page on /, its health as JSON on /health, 404 elsewhere."""

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            self.answer(200, "text/html; charset=utf-8",
                        f"<!doctype html><title>{NAME}</title><h1>Hello from {NAME}!</h1>\n")
        elif path == "/health":
            self.answer(200, "application/json", json.dumps({"status": "ok"}))
        else:
            self.answer(404, "text/plain", "not found\n")

    def answer(self, status, content_type, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def create_server(port):
    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


if __name__ == "__main__":
    port = int(os.environ.get("APP_PORT", "8080"))
    print(f"{NAME} listening on http://127.0.0.1:{port}/", flush=True)
    create_server(port).serve_forever()
