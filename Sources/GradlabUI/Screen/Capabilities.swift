/// How many colours the terminal can show.
public enum ColorMode: String, Hashable, Sendable, CaseIterable {
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    case truecolor
    /// The xterm 256-colour palette.
    case palette256
    /// The 16 ANSI colours.
    case palette16
    /// The 8 ANSI colours: a terminal whose terminfo has 8 (`TERM=xterm`,
    /// `screen`, `linux`), where 8–15 would show as 0–7.
    case palette8
    /// No colour: bold and reverse only (`NO_COLOR`, or a terminal without colour).
    case monochrome

    /// Picks a mode from the environment and what terminfo says.
    ///
    /// `NO_COLOR` (present and not empty, per no-color.org) wins; then
    /// `COLORTERM=truecolor|24bit` on a terminal of 256 colours or more (GNU
    /// screen with `TERM=screen` inherits `COLORTERM` from the terminal it
    /// runs in, and cannot show RGB); then the terminal's colour count
    /// (ncurses `COLORS`, nil before ncurses starts, when `TERM` is
    /// consulted instead).
    /// - Parameters:
    ///   - environment: the process environment (injected so tests can vary it).
    ///   - terminalColors: ncurses `COLORS`, when known.
    public static func detect(environment: [String: String], terminalColors: Int? = nil) -> ColorMode {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        let colorTerm = environment["COLORTERM"]?.lowercased() ?? ""
        if let colors = terminalColors {
            if colors < 8 { return .monochrome }
            if colors >= 256, colorTerm == "truecolor" || colorTerm == "24bit" { return .truecolor }
            if colors >= 256 { return .palette256 }
            return colors >= 16 ? .palette16 : .palette8
        }
        if colorTerm == "truecolor" || colorTerm == "24bit" { return .truecolor }
        let term = environment["TERM"]?.lowercased() ?? ""
        if term.isEmpty || term == "dumb" { return .monochrome }
        if term.contains("direct") || term.contains("truecolor") { return .truecolor }
        if term.contains("256color") { return .palette256 }
        return .palette16
    }
}

/// What the terminal can show: the colour mode and the glyph set.
///
/// Widgets take a `Capabilities` so one frame can be drawn for a rich
/// terminal, a plain one, or a golden test.
public struct Capabilities: Hashable, Sendable {
    public var colorMode: ColorMode
    public var glyphs: GlyphSet

    public init(colorMode: ColorMode, glyphs: GlyphSet) {
        self.colorMode = colorMode
        self.glyphs = glyphs
    }

    /// Everything: truecolor and braille. The default for tests and benchmarks.
    public static let full = Capabilities(colorMode: .truecolor, glyphs: .braille)
    /// The plainest terminal: no colour, ASCII.
    public static let plain = Capabilities(colorMode: .monochrome, glyphs: .ascii)

    /// True when colour cannot carry meaning and attributes must.
    public var isMonochrome: Bool { colorMode == .monochrome }

    /// Detects both parts from the environment.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - terminalColors: ncurses `COLORS`, when known.
    ///   - utf8: whether the active locale's codeset is UTF-8 (nil: judge from
    ///     `LC_ALL` / `LC_CTYPE` / `LANG`).
    public static func detect(
        environment: [String: String], terminalColors: Int? = nil, utf8: Bool? = nil
    ) -> Capabilities {
        let unicode = utf8 ?? localeIsUTF8(environment: environment)
        return Capabilities(
            colorMode: ColorMode.detect(environment: environment, terminalColors: terminalColors),
            glyphs: unicode ? .braille : .ascii)
    }

    /// The locale variables in POSIX precedence, judged by their codeset.
    static func localeIsUTF8(environment: [String: String]) -> Bool {
        for key in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                let lower = value.lowercased()
                return lower.contains("utf-8") || lower.contains("utf8")
            }
        }
        return false
    }
}
