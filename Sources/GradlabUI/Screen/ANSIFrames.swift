/// Screens as terminal output text (ANSI/ECMA-48: cursor moves, SGR colours
/// in 24-bit), each frame written as the cells that changed since the one
/// before: what an asciicast's `"o"` events hold. Independent of the ncurses
/// backend, so a recording renders anywhere, even with no terminal.
public struct ANSIFrames {
    private var previous: Screen?

    public init() {}

    /// The text that turns the terminal showing the previous frame (or a
    /// fresh one, the first time) into `screen`.
    public mutating func text(for screen: Screen) -> String {
        var out = ""
        let full = previous.map { $0.width != screen.width || $0.height != screen.height } ?? true
        if full { out += "\u{1B}[?25l\u{1B}[0m\u{1B}[2J" }
        var style: Style?
        for y in 0..<screen.height {
            var cursorAt: Int?
            for x in 0..<screen.width {
                guard let cell = screen.cell(x: x, y: y) else { continue }
                if !full, previous?.cell(x: x, y: y) == cell { continue }
                if cursorAt != x { out += "\u{1B}[\(y + 1);\(x + 1)H" }
                if style != cell.style {
                    out += Self.sgr(cell.style)
                    style = cell.style
                }
                out.unicodeScalars.append(cell.scalar)
                cursorAt = x + 1
            }
        }
        if !out.isEmpty { out += "\u{1B}[0m" }
        previous = screen
        return out
    }

    /// The SGR sequence for a style, from a reset.
    static func sgr(_ style: Style) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.underline { codes.append("4") }
        if style.reverse { codes.append("7") }
        codes += color(style.fg, foreground: true)
        codes += color(style.bg, foreground: false)
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    private static func color(_ color: Color, foreground: Bool) -> [String] {
        switch color {
        case .default: return []
        case .indexed(let i): return [foreground ? "38" : "48", "5", "\(i)"]
        case .rgb(let r, let g, let b): return [foreground ? "38" : "48", "2", "\(r)", "\(g)", "\(b)"]
        }
    }
}
