"""A loopback SMTP sink: the server's outgoing mail server in end-to-end tests.

Odoo sends the customer's mails over real SMTP to it, so a test reads the
message the customer would get (recipients, subject, body) instead of trusting
a queue row. Plain SMTP, no TLS nor authentication, as RFC 5321 needs it.
"""

import email
import email.policy
import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    def _reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sink = self.server.sink
        rcpt = []
        self._reply("220 e2e-smtp ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250-e2e-smtp")
                self._reply("250 8BITMIME")
            elif verb in ("HELO", "NOOP"):
                self._reply("250 ok")
            elif verb in ("MAIL", "RSET"):
                rcpt = []
                self._reply("250 ok")
            elif verb == "RCPT":
                rcpt.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self._reply("250 ok")
            elif verb == "DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                chunks = []
                for data in iter(self.rfile.readline, b""):
                    if data == b".\r\n":
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)
                message = email.message_from_bytes(
                    b"".join(chunks), policy=email.policy.default
                )
                with sink.lock:
                    sink.messages.append((rcpt, message))
                rcpt = []
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")


class SmtpSink:
    def __init__(self):
        self.messages = []  # [(envelope recipients, email.message.EmailMessage)]
        self.lock = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
        self._server.daemon_threads = True
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="e2e-smtp", daemon=True
        )
        self._thread.start()

    def to(self, address):
        """Messages sent to this address, oldest first."""
        with self.lock:
            return [msg for rcpt, msg in self.messages if address in rcpt]

    def close(self):
        self._server.shutdown()
        self._server.server_close()


def body_text(message):
    """The HTML (else plain) body of a parsed message, as text."""
    part = message.get_body(preferencelist=("html", "plain"))
    return part.get_content() if part else ""
