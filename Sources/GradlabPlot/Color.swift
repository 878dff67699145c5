/// A colour as a widget asks for it.
///
/// Widgets speak in full colour (usually `.rgb` from the theme); the terminal
/// backend downgrades to what the terminal can show (see ``ColorMode``), so a
/// ``Screen`` always holds the colours the theme meant.
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background.
    case `default`
    /// An xterm palette index (0–15 the ANSI colours, 16–231 the cube, 232–255 greys).
    case indexed(UInt8)
    /// A 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)
}
