"""What the conformance suite expects to find: names, texts and payloads from its reference server."""
import json

IMAGE_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
AUDIO_WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="
EMPTY_SCHEMA = {"type": "object", "properties": {}}


def _schema(**properties):
    return {"type": "object", "properties": {k: {"type": "string", "description": v} for k, v in properties.items()},
            "required": list(properties)}


# The JSON Schema 2020-12 keywords a server must pass on unchanged (SEP-1613, SEP-2106), as the suite writes them.
JSON_SCHEMA_2020_12 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {"address": {"$anchor": "addressDef", "type": "object",
                          "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"},
                   "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                   "phone": {"type": "string"}, "email": {"type": "string"}},
    "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then": {"required": ["phone"]},
    "else": {"required": ["email"]},
    "additionalProperties": False,
}

# Tools served in both eras: name → (description, input schema, result content)
CONTENT_TOOLS = {
    "test_simple_text": ("Tests simple text content response",
                         [{"type": "text", "text": "This is a simple text response for testing."}]),
    "test_image_content": ("Tests image content response",
                           [{"type": "image", "data": IMAGE_PNG, "mimeType": "image/png"}]),
    "test_audio_content": ("Tests audio content response",
                           [{"type": "audio", "data": AUDIO_WAV, "mimeType": "audio/wav"}]),
    "test_embedded_resource": ("Tests embedded resource content response", [
        {"type": "resource", "resource": {"uri": "test://embedded-resource", "mimeType": "text/plain",
                                          "text": "This is an embedded resource content."}}]),
    "test_multiple_content_types": ("Tests response with multiple content types (text, image, resource)", [
        {"type": "text", "text": "Multiple content types test:"},
        {"type": "image", "data": IMAGE_PNG, "mimeType": "image/png"},
        {"type": "resource", "resource": {"uri": "test://mixed-content-resource", "mimeType": "application/json",
                                          "text": json.dumps({"test": "data", "value": 123})}}]),
}
OTHER_TOOLS = {
    "test_tool_with_logging": ("Tests tool that emits log messages during execution", EMPTY_SCHEMA),
    "test_tool_with_progress": ("Tests tool that reports progress notifications", EMPTY_SCHEMA),
    "test_error_handling": ("Tests error response handling", EMPTY_SCHEMA),
    "greet": ("Sync-only: returns Hello, {name}!", _schema(name="Who to greet")),
    "test_sampling": ("Tests server-initiated sampling (LLM completion request)",
                      _schema(prompt="The prompt to send to the LLM")),
    "test_elicitation": ("Tests server-initiated elicitation (user input request)",
                         _schema(message="The message to show the user")),
    "test_elicitation_sep1034_defaults": ("Tests elicitation with default values per SEP-1034", EMPTY_SCHEMA),
    "test_elicitation_sep1330_enums": ("Tests elicitation with enum schema improvements per SEP-1330",
                                       EMPTY_SCHEMA),
    "json_schema_2020_12_tool": ("Tool with JSON Schema 2020-12 features", JSON_SCHEMA_2020_12),
}
# Tools of the modern era only (multi round-trip requests and per-request rules).
MODERN_TOOLS = {
    "test_missing_capability": "Test tool requiring sampling",
    "test_input_required_result_elicitation": "MRTR: returns InputRequiredResult with elicitation request",
    "test_input_required_result_sampling": "MRTR: returns InputRequiredResult with sampling request",
    "test_input_required_result_list_roots": "MRTR: returns InputRequiredResult with roots/list request",
    "test_input_required_result_request_state": "MRTR: returns InputRequiredResult with requestState",
    "test_input_required_result_multiple_inputs": "MRTR: returns InputRequiredResult with multiple input requests",
    "test_input_required_result_multi_round": "MRTR: multi-round InputRequiredResult workflow",
    "test_input_required_result_tampered_state": "MRTR: HMAC-signed requestState integrity test",
    "test_input_required_result_capabilities": "MRTR: respects client capabilities in inputRequests",
    "test_streaming_elicitation": "Diagnostic tool validating response progress streams",
    "test_logging_tool": "Diagnostic logging validator tool",
}

RESOURCES = {
    "test://static-text": ("static-text", "Static Text Resource", "A static text resource for testing",
                           {"mimeType": "text/plain", "text": "This is the content of the static text resource."}),
    "test://static-binary": ("static-binary", "Static Binary Resource", "A static binary resource (image) for testing",
                             {"mimeType": "image/png", "blob": IMAGE_PNG}),
    "test://watched-resource": ("watched-resource", "Watched Resource", "A resource that auto-updates every 3 seconds",
                                {"mimeType": "text/plain", "text": "Watched resource content"}),
}
TEMPLATE = {"uriTemplate": "test://template/{id}/data", "name": "template", "title": "Resource Template",
            "description": "A resource template with parameter substitution", "mimeType": "application/json"}

PROMPTS = [
    {"name": "test_simple_prompt", "title": "Simple Test Prompt", "description": "A simple prompt without arguments",
     "arguments": []},
    {"name": "test_prompt_with_arguments", "title": "Prompt With Arguments",
     "description": "A prompt with required arguments",
     "arguments": [{"name": "arg1", "description": "First test argument", "required": True},
                   {"name": "arg2", "description": "Second test argument", "required": True}]},
    {"name": "test_prompt_with_embedded_resource", "title": "Prompt With Embedded Resource",
     "description": "A prompt that includes an embedded resource",
     "arguments": [{"name": "resourceUri", "description": "URI of the resource to embed", "required": True}]},
    {"name": "test_prompt_with_image", "title": "Prompt With Image",
     "description": "A prompt that includes image content", "arguments": []},
]
MODERN_PROMPT = {"name": "test_input_required_result_prompt",
                 "description": "MRTR: prompt that requires elicitation input", "arguments": []}


def text(value):
    return {"content": [{"type": "text", "text": value}]}


def elicit(message, **properties):
    """An ``elicitation/create`` input request for a form of the given property types."""
    return {"method": "elicitation/create", "params": {"message": message, "requestedSchema": {
        "type": "object", "properties": {k: {"type": v} for k, v in properties.items()}, "required": list(properties)}}}


def sample(prompt, max_tokens=100):
    return {"method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": prompt}}], "maxTokens": max_tokens}}


ROOTS = {"method": "roots/list", "params": {}}


def form_value(response, field):
    value = ((response or {}).get("content") or {}).get(field)
    return value if isinstance(value, str) else "unknown"


SEP1034_PROPERTIES = {
    "name": {"type": "string", "description": "User name", "default": "John Doe"},
    "age": {"type": "integer", "description": "User age", "default": 30},
    "score": {"type": "number", "description": "User score", "default": 95.5},
    "status": {"type": "string", "description": "User status", "enum": ["active", "inactive", "pending"],
               "default": "active"},
    "verified": {"type": "boolean", "description": "Verification status", "default": True},
}
SEP1330_PROPERTIES = {
    "untitledSingle": {"type": "string", "description": "Select one option", "enum": ["option1", "option2", "option3"]},
    "titledSingle": {"type": "string", "description": "Select one option with titles", "oneOf": [
        {"const": "value1", "title": "First Option"}, {"const": "value2", "title": "Second Option"},
        {"const": "value3", "title": "Third Option"}]},
    "legacyEnum": {"type": "string", "description": "Select one option (legacy)", "enum": ["opt1", "opt2", "opt3"],
                   "enumNames": ["Option One", "Option Two", "Option Three"]},
    "untitledMulti": {"type": "array", "description": "Select multiple options", "minItems": 1, "maxItems": 3,
                      "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
    "titledMulti": {"type": "array", "description": "Select multiple options with titles", "minItems": 1,
                    "maxItems": 3, "items": {"anyOf": [
                        {"const": "value1", "title": "First Choice"}, {"const": "value2", "title": "Second Choice"},
                        {"const": "value3", "title": "Third Choice"}]}},
}
