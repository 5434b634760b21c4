from . import colors, html, schema
