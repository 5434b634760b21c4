"""Theme colours: validation and readable contrast (WCAG 2 relative luminance)."""
import re

HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
BACKGROUNDS = {"light": "#ffffff", "dark": "#15191e"}
# Distinct hues for chart series after the page's own colours (readable on light and dark backgrounds).
SERIES = ("#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#14b8a6", "#f97316", "#64748b", "#ec4899",
          "#84cc16")


def normalize(color):
    """'#abc' -> '#aabbcc' (lower case); None when ``color`` is not a hex colour."""
    if not isinstance(color, str) or not HEX_COLOR.match(color):
        return None
    color = color.lower()
    if len(color) == 4:
        color = "#" + "".join(c * 2 for c in color[1:])
    return color


def _channels(color):
    return [int(color[i:i + 2], 16) / 255.0 for i in (1, 3, 5)]


def luminance(color):
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(color)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(color):
    """Black or white, whichever reads better on ``color``."""
    return "#000000" if contrast(color, "#000000") >= contrast(color, "#ffffff") else "#ffffff"


def readable_on(color, background, minimum=4.5):
    """``color`` darkened or lightened until text of that colour reaches ``minimum`` contrast on ``background``."""
    target = "#000000" if luminance(background) > 0.5 else "#ffffff"
    channels = _channels(color)
    goal = _channels(target)
    for step in range(21):
        mix = step / 20.0
        candidate = "#" + "".join("%02x" % round((c + (g - c) * mix) * 255) for c, g in zip(channels, goal,
                                                                                            strict=True))
        if contrast(candidate, background) >= minimum:
            return candidate
    return target


def palette(*colors):
    """Chart series colours: the page's own colours first, then distinct defaults."""
    result = []
    for color in (*colors, *SERIES):
        if color and color not in result:
            result.append(color)
    return result
