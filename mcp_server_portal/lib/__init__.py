from . import colors, html, periods, schema
