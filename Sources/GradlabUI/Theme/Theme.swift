/// The colours of every part of the interface, read from a `.theme` file.
///
/// Every value is a ``Color`` (`.rgb` from `#RRGGBB`, or `.default` for the
/// terminal's own colour); the terminal backend downgrades them to the
/// terminal's ``ColorMode``. See `docs/themes.md` for the file format.
public struct Theme: Sendable, Equatable {
    /// The theme's name (the file name without `.theme`).
    public var name: String

    public var background: Color
    public var foreground: Color
    /// Secondary text: axis labels, units, hints.
    public var muted: Color
    public var border: Color
    public var title: Color
    /// Focus, selection, highlights.
    public var accent: Color
    public var statusBackground: Color
    public var statusForeground: Color
    /// Status-bar badges for the three run modes.
    public var modeLive: Color
    public var modePaused: Color
    public var modeReplay: Color
    /// Contour shading from the lowest level to the highest (at least one colour).
    public var ramp: [Color]
    /// One colour per optimizer, point group or loss series; always 8.
    public var series: [Color]
    public var train: Color
    public var test: Color
    /// Current positions and the selected point.
    public var marker: Color
    public var warning: Color
    public var error: Color

    /// The number of `series.N` keys a theme has.
    public static let seriesCount = 8
    /// The most `ramp.N` keys a theme may have.
    public static let maximumRampLevels = 32

    /// The colour for a role.
    public func color(_ role: ThemeRole) -> Color {
        switch role {
        case .series(let i): return series[((i % series.count) + series.count) % series.count]
        case .train: return train
        case .test: return test
        case .accent: return accent
        case .marker: return marker
        case .warning: return warning
        case .error: return error
        case .foreground: return foreground
        case .muted: return muted
        }
    }

    /// Plain text on the theme background.
    public var text: Style { Style(fg: foreground, bg: background) }
    /// Secondary text on the theme background.
    public var mutedText: Style { Style(fg: muted, bg: background) }

    /// The colour a ramp level maps to (clamped to the ramp).
    public func rampColor(level: Int) -> Color {
        ramp[min(ramp.count - 1, max(0, level))]
    }
}

/// A colour by meaning rather than value, so models need not know the theme.
public enum ThemeRole: Hashable, Sendable {
    /// `series.N` (wraps around after 8).
    case series(Int)
    case train
    case test
    case accent
    case marker
    case warning
    case error
    case foreground
    case muted
}

extension Theme {
    /// The keys a theme file may set, other than `ramp.N` and `series.N`.
    static let scalarKeys: [String: WritableKeyPath<Theme, Color> & Sendable] = [
        "background": \.background,
        "foreground": \.foreground,
        "muted": \.muted,
        "border": \.border,
        "title": \.title,
        "accent": \.accent,
        "status.bg": \.statusBackground,
        "status.fg": \.statusForeground,
        "mode.live": \.modeLive,
        "mode.paused": \.modePaused,
        "mode.replay": \.modeReplay,
        "train": \.train,
        "test": \.test,
        "marker": \.marker,
        "warning": \.warning,
        "error": \.error,
    ]

    /// The built-in dark theme, also the fallback for keys a theme leaves out.
    public static let dark = builtIn(BuiltinThemes.dark, name: "dark", base: nil)

    /// The built-in light theme (figures are drawn in it unless told otherwise).
    public static let light = builtIn(BuiltinThemes.light, name: "light", base: .dark)

    /// The built-in high-contrast theme.
    public static let highContrast = builtIn(BuiltinThemes.highContrast, name: "high-contrast", base: .dark)

    /// The built-in themes by name: what `--theme` and `:theme` find when no
    /// file of that name is.
    static var builtIns: [String: Theme] { ["dark": .dark, "light": .light, "high-contrast": .highContrast] }

    /// A built-in theme's text, parsed.
    private static func builtIn(_ text: String, name: String, base: Theme?) -> Theme {
        do {
            return try parse(text, name: name, base: base)
        } catch {
            // A compile-time constant, checked by a test; never user input.
            fatalError("the built-in \(name) theme is malformed: \(error)")
        }
    }

    /// A theme with every colour `.default`: the base the built-in dark
    /// theme is parsed onto, so that theme must set every key itself.
    static let blank = Theme(
        name: "blank", background: .default, foreground: .default, muted: .default,
        border: .default, title: .default, accent: .default,
        statusBackground: .default, statusForeground: .default,
        modeLive: .default, modePaused: .default, modeReplay: .default,
        ramp: [.default], series: [Color](repeating: .default, count: seriesCount),
        train: .default, test: .default, marker: .default, warning: .default, error: .default)
}
