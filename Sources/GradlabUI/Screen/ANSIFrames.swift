/// Screens as terminal output text, each frame written as the cells that
/// changed since the one before: what an asciicast's `"o"` events hold.
///
/// The bytes are ``FrameEncoder``'s in truecolor, the same the live lab
/// writes to a terminal, so a cast replays exactly what the TUI would have
/// shown; no terminal is needed, so a recording renders anywhere.
public struct ANSIFrames {
    private var previous: Screen?
    private let encoder = FrameEncoder(colorMode: .truecolor)

    public init() {}

    /// The text that turns the terminal showing the previous frame (or a
    /// fresh one, the first time) into `screen`.
    public mutating func text(for screen: Screen) -> String {
        var bytes: [UInt8] = []
        let fresh = previous.map { $0.width != screen.width || $0.height != screen.height } ?? true
        // A fresh terminal: hide its cursor first (the encoder then clears it).
        if fresh { bytes.append(contentsOf: Array("\u{1B}[?25l".utf8)) }
        encoder.encode(screen, over: fresh ? nil : previous, columns: screen.width, rows: screen.height, into: &bytes)
        previous = screen
        return String(decoding: bytes, as: UTF8.self)
    }
}
