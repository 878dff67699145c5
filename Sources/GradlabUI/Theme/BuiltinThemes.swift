/// Theme texts compiled into the binary, so gradlab runs with no `themes/` folder.
enum BuiltinThemes {
    /// A copy of `themes/dark.theme` (a test keeps the two identical).
    static let dark = """
# gradlab dark theme (the default, also built into the binary).
# Format: key = #RRGGBB, or key = default for the terminal's own colour.
# See docs/themes.md for every key.

# Text and chrome
background = default
foreground = #d8dee9
muted      = #7b8394
border     = #434c5e
title      = #88c0d0
accent     = #ebcb8b

# Status bar and its run-mode badges
status.bg   = #2e3440
status.fg   = #d8dee9
mode.live   = #a3be8c
mode.paused = #ebcb8b
mode.replay = #b48ead

# Contour shading behind the plots, low -> high. Dark enough that
# coloured braille dots stay readable on every level.
ramp.0 = #0b1226
ramp.1 = #0f1a36
ramp.2 = #122443
ramp.3 = #152f4d
ramp.4 = #193a55
ramp.5 = #1f4559
ramp.6 = #28505a
ramp.7 = #345a57
ramp.8 = #436351
ramp.9 = #546b49

# One colour per optimizer / point group / loss series
series.0 = #ff6b6b
series.1 = #4dabf7
series.2 = #69db7c
series.3 = #ffd43b
series.4 = #da77f2
series.5 = #ff922b
series.6 = #3bc9db
series.7 = #f783ac

# Data and markers
train   = #4dabf7
test    = #ff922b
marker  = #ffffff
warning = #ffd43b
error   = #ff6b6b
"""

    /// A copy of `themes/light.theme` (a test keeps the two identical): the
    /// figures' default colours, so `--plot` and `export --svg` need no themes folder.
    static let light = """
# gradlab light theme, for light terminal backgrounds.
# See docs/themes.md for every key.

background = #fafafa
foreground = #24292f
muted      = #6e7781
border     = #c8d1da
title      = #0550ae
accent     = #bf3989

status.bg   = #e6ebf1
status.fg   = #24292f
mode.live   = #1a7f37
mode.paused = #9a6700
mode.replay = #8250df

# Pale enough that dark braille dots read on every level.
ramp.0 = #f4f8fd
ramp.1 = #e8f1fa
ramp.2 = #dceaf6
ramp.3 = #cfe2f0
ramp.4 = #c9e4e0
ramp.5 = #d3e8c9
ramp.6 = #e4ecbe
ramp.7 = #f2e9b8
ramp.8 = #f6dcae
ramp.9 = #f5cca6

series.0 = #cf222e
series.1 = #0969da
series.2 = #1a7f37
series.3 = #9a6700
series.4 = #8250df
series.5 = #bc4c00
series.6 = #1b7c83
series.7 = #bf3989

train   = #0969da
test    = #bc4c00
marker  = #000000
warning = #9a6700
error   = #cf222e
"""

    /// A copy of `themes/high-contrast.theme` (a test keeps the two
    /// identical): offered everywhere (`--theme`, `:theme`), so it works
    /// without a themes folder too.
    static let highContrast = """
# gradlab high-contrast theme: black background, saturated colours,
# few and widely spaced shading levels. See docs/themes.md.

background = #000000
foreground = #ffffff
muted      = #c0c0c0
border     = #ffffff
title      = #00ffff
accent     = #ffff00

status.bg   = #ffffff
status.fg   = #000000
mode.live   = #00ff00
mode.paused = #ffff00
mode.replay = #ff00ff

ramp.0 = #000000
ramp.1 = #1c1c3a
ramp.2 = #303060
ramp.3 = #404080
ramp.4 = #5050a0

series.0 = #ff0000
series.1 = #00ffff
series.2 = #00ff00
series.3 = #ffff00
series.4 = #ff00ff
series.5 = #ff8000
series.6 = #ffffff
series.7 = #80c0ff

train   = #00ffff
test    = #ff8000
marker  = #ffffff
warning = #ffff00
error   = #ff0000
"""
}
