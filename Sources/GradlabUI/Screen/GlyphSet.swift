/// Which glyphs the terminal can show, from richest to plainest.
///
/// The canvas has 2×4 dots per cell whatever the set, so a point, a tick or
/// a marker lands in the same cell on every terminal; the block and ASCII
/// sets show a cell's dots as its top half (the upper two dot rows), its
/// bottom half, or both.
public enum GlyphSet: String, Hashable, Sendable, CaseIterable {
    /// Braille dots, rounded box drawing, `●` markers: a UTF-8 terminal.
    case braille
    /// Half blocks `▀ ▄ █` for plots where braille fonts are missing; still box drawing.
    case block
    /// Plain ASCII only: a non-UTF-8 locale or a dumb font.
    case ascii

    /// Dot columns per cell (the same for every set: a fallback must not
    /// move anything by a cell).
    public var dotColumns: Int { 2 }
    /// Dot rows per cell.
    public var dotRows: Int { 4 }

    /// The glyph for a cell's dot bits (the braille layout, ``BrailleCanvas``).
    @inline(__always)
    func glyph(forDots bits: UInt8) -> Unicode.Scalar {
        // Top half: dot rows 1-2 (bits 0x01 0x02 0x08 0x10); bottom: rows 3-4.
        let halves = (bits & 0x1B != 0 ? 1 : 0) | (bits & 0xE4 != 0 ? 2 : 0)
        switch self {
        case .braille:
            return Unicode.Scalar(0x2800 + UInt32(bits)) ?? " "
        case .block:
            switch halves {
            case 1: return "\u{2580}"  // ▀ upper half
            case 2: return "\u{2584}"  // ▄ lower half
            case 3: return "\u{2588}"  // █ full
            default: return " "
            }
        case .ascii:
            switch halves {
            case 1: return "'"
            case 2: return "."
            case 3: return ":"
            default: return " "
            }
        }
    }

    /// The marker for a trajectory's current position.
    public var currentMarker: Unicode.Scalar { self == .ascii ? "o" : "●" }
    /// The marker of a trajectory of `role`: on a monochrome terminal,
    /// where colour cannot tell `--compare`'s groups apart, each series
    /// has its own shape; elsewhere ``currentMarker``.
    public func marker(for role: ThemeRole, monochrome: Bool) -> Unicode.Scalar {
        guard monochrome, case .series(let index) = role else { return currentMarker }
        let shapes: [Unicode.Scalar] = self == .ascii ? ["o", "#", "^", "*", "v", "%", "&", "="] : ["●", "■", "▲", "◆", "▼", "◀", "▶", "◼"]
        return shapes[index % shapes.count]
    }
    /// The marker for the selected trajectory's current position.
    public var selectedMarker: Unicode.Scalar { self == .ascii ? "@" : "◉" }
    /// A scatter-plot point of the first kind (training data).
    public var pointMarker: Unicode.Scalar { self == .ascii ? "o" : "•" }
    /// A scatter-plot point of the second kind (test data).
    public var crossMarker: Unicode.Scalar { self == .ascii ? "x" : "×" }
    /// A known minimum (or a data lab's optimum) on the plane.
    public var minimumMarker: Unicode.Scalar { self == .ascii ? "X" : "✕" }
    /// Where the selected point's next step lands (the curvature guides).
    public var landingMarker: Unicode.Scalar { self == .ascii ? "+" : "◌" }
    /// Where a point left the plot, pointing the way it went.
    public var edgeArrows: (left: Unicode.Scalar, right: Unicode.Scalar, up: Unicode.Scalar, down: Unicode.Scalar) {
        self == .ascii ? ("<", ">", "^", "v") : ("◂", "▸", "▴", "▾")
    }
    /// Marks that text was cut short.
    public var ellipsis: Unicode.Scalar { self == .ascii ? "~" : "…" }
    /// The recording indicator.
    public var recordingMarker: Unicode.Scalar { self == .ascii ? "*" : "●" }
    /// A short horizontal rule for legends.
    public var legendLine: String { self == .ascii ? "--" : "──" }
    /// Separates status-bar segments.
    public var separator: String { self == .ascii ? "|" : "│" }

    /// The frames of a spinner that says work is under way (btop's braille
    /// one; a quarter-filled circle without braille; `| / - \` in ASCII).
    public var spinner: [String] {
        switch self {
        case .braille: return ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
        case .block: return ["◐", "◓", "◑", "◒"]
        case .ascii: return ["|", "/", "-", "\\"]
        }
    }

    /// Shading from light to dark for contour bands without colour.
    public var shades: [Unicode.Scalar] {
        self == .ascii ? [" ", "-", "~", "=", "#"] : [" ", "░", "▒", "▓", "█"]
    }

    /// Box drawing: rounded corners, or `+-|` in ASCII.
    var box: BoxGlyphs { self == .ascii ? .ascii : .rounded }
}

/// The eleven glyphs a border and an axis need.
struct BoxGlyphs: Sendable {
    var topLeft, topRight, bottomLeft, bottomRight: Unicode.Scalar
    var horizontal, vertical: Unicode.Scalar
    /// Axis tick on the left axis (`┤`) and on the bottom axis (`┬`).
    var leftTick, bottomTick: Unicode.Scalar
    /// Where the two axes meet.
    var axisCorner: Unicode.Scalar

    static let rounded = BoxGlyphs(
        topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
        horizontal: "─", vertical: "│", leftTick: "┤", bottomTick: "┬", axisCorner: "└")
    static let ascii = BoxGlyphs(
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        horizontal: "-", vertical: "|", leftTick: "+", bottomTick: "+", axisCorner: "+")
}

extension GlyphSet {
    /// What an ASCII-only terminal shows for a non-ASCII scalar that reached
    /// a cell (a label's `‖grad‖`, `∂f/∂x1`, `λmax`, an arrow key's name):
    /// a look-alike where there is one, `?` otherwise. One cell for one.
    public static func asciiStandIn(for scalar: Unicode.Scalar) -> UInt8 {
        switch scalar {
        case "‖", "│", "┃", "║": return UInt8(ascii: "|")
        case "∂": return UInt8(ascii: "d")
        case "λ": return UInt8(ascii: "l")
        case "∇", "√": return UInt8(ascii: "V")
        case "–", "—", "−", "─", "━", "═": return UInt8(ascii: "-")
        case "×", "✘", "✗": return UInt8(ascii: "x")
        case "→", "▸", "▶", "›", "≥": return UInt8(ascii: ">")
        case "←", "◂", "◀", "‹", "≤": return UInt8(ascii: "<")
        case "↑", "▴", "▲": return UInt8(ascii: "^")
        case "↓", "▾", "▼", "✔", "✓": return UInt8(ascii: "v")
        case "²": return UInt8(ascii: "2")
        case "³": return UInt8(ascii: "3")
        case "·", "•": return UInt8(ascii: ".")
        case "≈", "…", "∼": return UInt8(ascii: "~")
        case "●", "○", "°": return UInt8(ascii: "o")
        case "◉": return UInt8(ascii: "@")
        case "✕": return UInt8(ascii: "X")
        case "◌", "±", "┼", "╭", "╮", "╰", "╯", "┌", "┐", "└", "┘", "┬", "┴", "├", "┤": return UInt8(ascii: "+")
        case "π": return UInt8(ascii: "p")
        case "μ": return UInt8(ascii: "u")
        case "σ": return UInt8(ascii: "s")
        case "η": return UInt8(ascii: "n")
        case "β": return UInt8(ascii: "b")
        case "ε": return UInt8(ascii: "e")
        case "ρ": return UInt8(ascii: "r")
        case "α": return UInt8(ascii: "a")
        case "θ": return UInt8(ascii: "t")
        case "\u{00A0}": return UInt8(ascii: " ")
        default: return UInt8(ascii: "?")
        }
    }
}
