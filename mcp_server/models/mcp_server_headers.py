"""The 2026-07-28 request headers that mirror the body: ``Mcp-Method``, ``Mcp-Name`` and the ``Mcp-Param-{Name}``
headers of tool arguments declared with ``x-mcp-header`` (transports/streamable-http, "Server Validation").

A disagreement is refused with HTTP 400 and JSON-RPC error -32020 (HeaderMismatch) before anything runs: a load
balancer or gateway may have routed or filtered the request on the header while the server would act on the body.
"""
from odoo import _, models

from ..lib import jsonrpc, mirrored_headers
from ..lib.mirrored_headers import DIFFERENT, MISSING, UNEXPECTED

NAMED_METHODS = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri",
                 "tasks/get": "taskId", "tasks/update": "taskId", "tasks/cancel": "taskId"}


class McpServerHeaders(models.AbstractModel):
    _inherit = "mcp.server"

    def _check_mirrored_headers(self, exchange, method, params):
        """None when ``Mcp-Method``, ``Mcp-Name`` and the tool's ``Mcp-Param-*`` headers agree with the body,
        else the 400 reply refusing the request."""
        if exchange.header("Mcp-Method") != method:
            return self._header_mismatch("Mcp-Method", exchange.header("Mcp-Method"), method)
        field = NAMED_METHODS.get(method)
        if field:
            given = exchange.header("Mcp-Name")
            if given is None or mirrored_headers.decode_value(given) != params.get(field):
                return self._header_mismatch("Mcp-Name", given, params.get(field))
        if method == "tools/call":
            return self._check_param_headers(exchange, params)
        return None

    def _check_param_headers(self, exchange, params):
        """The ``Mcp-Param-{Name}`` headers of a ``tools/call``, checked against its arguments (decoded from
        ``=?base64?…?=``, integers compared as numbers; a null or absent argument expects no header)."""
        arguments = params.get("arguments")
        parameters = self._mirrored_parameters(params.get("name"))
        if not parameters or not isinstance(arguments, dict):
            return None
        mismatch = mirrored_headers.check_parameters(parameters, exchange.header, arguments)
        if mismatch is None:
            return None
        header, outcome, given, expected = mismatch
        if outcome in (MISSING, DIFFERENT):
            return self._header_mismatch(header, given, expected)
        if outcome == UNEXPECTED:
            message = _("Header mismatch: %(header)s is sent but the arguments give no value for it.", header=header)
        else:  # INVALID
            message = _("Header mismatch: %(header)s is not a valid value (plain visible ASCII, or "
                        "=?base64?…?= holding padded standard Base64 of UTF-8 text).", header=header)
        return self._http_error(400, jsonrpc.HEADER_MISMATCH, message)

    def _mirrored_parameters(self, tool_name):
        """The ``(header name, property path)`` pairs of a tool's ``x-mcp-header`` arguments (none for an unknown
        tool). An addon serving tools outside the registry extends this for them."""
        spec = self.env["mcp.tool.registry"]._catalog().get(tool_name) if isinstance(tool_name, str) else None
        return spec.mirrored_parameters if spec else ()

    def _header_mismatch(self, header, given, expected):
        return self._http_error(400, jsonrpc.HEADER_MISMATCH, _(
            "Header mismatch: %(header)s is %(given)s but the body says %(expected)s.", header=header,
            given=repr(given)[:100] if given is not None else _("missing"), expected=repr(expected)[:100]))
