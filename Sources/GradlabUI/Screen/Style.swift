/// How a cell is drawn: colours plus the few attributes every terminal has.
public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(
        fg: Color = .default, bg: Color = .default,
        bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    /// The terminal's default colours, no attributes.
    public static let plain = Style()

    /// This style with another foreground.
    public func fg(_ color: Color) -> Style {
        var copy = self
        copy.fg = color
        return copy
    }

    /// This style with another background.
    public func bg(_ color: Color) -> Style {
        var copy = self
        copy.bg = color
        return copy
    }

    /// This style in bold.
    public var bolded: Style {
        var copy = self
        copy.bold = true
        return copy
    }

    /// This style in reverse video.
    public var reversed: Style {
        var copy = self
        copy.reverse = !copy.reverse
        return copy
    }
}

/// One character cell of a ``Screen``.
///
/// A cell holds one Unicode scalar: every glyph gradlab draws (text, box
/// drawing, braille, blocks) is a single narrow scalar, and a scalar compares
/// and copies far faster than a `Character` in the frame diff.
public struct Cell: Hashable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: Style

    public init(_ scalar: Unicode.Scalar = " ", style: Style = .plain) {
        self.scalar = scalar
        self.style = style
    }

    /// A space in the terminal's default colours.
    public static let blank = Cell()

    /// The character this cell shows.
    public var character: Character { Character(scalar) }
}
