"""What the OAuth endpoints hand back to their controller."""


class OAuthReply:
    """An HTTP answer: a JSON body (or empty body), or a QWeb page (``template`` + ``values``)."""

    def __init__(self, status=200, body=None, headers=None, template=None, values=None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.template = template
        self.values = values or {}

    def header(self, name):
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)
