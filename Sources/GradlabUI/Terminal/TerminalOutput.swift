import CNcurses
import Foundation

/// How frames reach the terminal.
public enum FrameWriter: String, Sendable, CaseIterable {
    /// Escape sequences written by ``FrameEncoder`` in one `write` per frame
    /// (ncurses still reads keys and sets the terminal's modes).
    case direct
    /// ncurses draws: `mvadd_wchnstr` per changed run, then `doupdate`.
    case ncurses

    /// `direct` where terminfo allows it, unless `GRADLAB_TERMINAL_WRITER=ncurses`.
    /// Call after ncurses has loaded terminfo.
    @MainActor
    static func choose(environment: [String: String]) -> FrameWriter {
        if environment["GRADLAB_TERMINAL_WRITER"]?.lowercased() == "ncurses" { return .ncurses }
        return terminfoAllowsDirect() ? .direct : .ncurses
    }

    /// True when the loaded terminfo entry moves the cursor with the ANSI
    /// sequence (`cup` is `\E[%i%p1%d;%p2%dH`, no padding) and writing the
    /// bottom-right cell does not scroll (`xenl`, or no auto margins): every
    /// xterm-class terminal, tmux, screen and the Linux console.
    @MainActor
    static func terminfoAllowsDirect() -> Bool {
        guard let cup = tigetstr("cup"), Int(bitPattern: cup) != -1, Int(bitPattern: cup) != 0 else { return false }
        guard String(cString: cup) == "\u{1B}[%i%p1%d;%p2%dH" else { return false }
        return tigetflag("xenl") > 0 || tigetflag("am") <= 0
    }
}

extension Terminal {
    /// Shows a frame, writing only the cells that differ from the last one.
    ///
    /// With the ``FrameWriter/direct`` writer the changed runs are encoded
    /// as escape sequences and written at once; otherwise runs of changed
    /// cells go to ncurses in one call each, and ncurses sends only what
    /// changed on its side too. A frame of another size than the terminal is
    /// clipped (the next resize key brings a matching one).
    public func draw(_ screen: Screen) {
        if let encoder {
            drawDirect(screen, encoder: encoder)
            return
        }
        let width = min(screen.width, size.width), height = min(screen.height, size.height)
        let old = previous.flatMap { $0.width == screen.width && $0.height == screen.height ? $0 : nil }
        if old == nil {
            // Full repaint: clear so cells outside the new frame do not linger.
            werase(gl_stdscr())
            clearok(gl_stdscr(), true)
        }

        var codepoints: [UInt32] = []
        var attributes: [attr_t] = []
        var pairs: [Int32] = []
        codepoints.reserveCapacity(width)
        attributes.reserveCapacity(width)
        pairs.reserveCapacity(width)
        // Consecutive cells usually share a style: resolve it once per change.
        var lastStyle: Style?
        var lastAttributes: attr_t = 0, lastPair: Int32 = 0
        let asciiOnly = capabilities.glyphs == .ascii

        screen.cells.withUnsafeBufferPointer { cells in
            let oldCells = old?.cells
            for row in 0..<height {
                let base = row * screen.width
                var column = 0
                while column < width {
                    if let oldCells, oldCells[base + column] == cells[base + column] {
                        column += 1
                        continue
                    }
                    let start = column
                    codepoints.removeAll(keepingCapacity: true)
                    attributes.removeAll(keepingCapacity: true)
                    pairs.removeAll(keepingCapacity: true)
                    while column < width, oldCells == nil || oldCells?[base + column] != cells[base + column] {
                        let cell = cells[base + column]
                        if cell.style != lastStyle {
                            lastStyle = cell.style
                            (lastAttributes, lastPair) = resolve(cell.style)
                        }
                        // A non-UTF-8 locale cannot show non-ASCII text (ncurses
                        // drops it): a look-alike, or `?`, rather than a hole.
                        let value = cell.scalar.value
                        codepoints.append(asciiOnly && value > 0x7E ? UInt32(GlyphSet.asciiStandIn(for: cell.scalar)) : value)
                        attributes.append(lastAttributes)
                        pairs.append(lastPair)
                        column += 1
                    }
                    codepoints.withUnsafeBufferPointer { cp in
                        attributes.withUnsafeBufferPointer { at in
                            pairs.withUnsafeBufferPointer { pr in
                                _ = gl_put_run(Int32(row), Int32(start), cp.baseAddress, at.baseAddress,
                                               pr.baseAddress, Int32(cp.count))
                            }
                        }
                    }
                }
            }
        }
        wnoutrefresh(gl_stdscr())
        doupdate()
        previous = screen
    }

    private func drawDirect(_ screen: Screen, encoder: FrameEncoder) {
        outputBuffer.removeAll(keepingCapacity: true)
        encoder.encode(screen, over: previous, columns: size.width, rows: size.height, into: &outputBuffer)
        previous = screen
        guard !outputBuffer.isEmpty else { return }
        // Anything ncurses still holds (a mode change) goes out first.
        doupdate()
        outputBuffer.withUnsafeBytes { bytes in
            guard var next = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let written = write(outputDescriptor, next, left)
                if written > 0 {
                    next += written
                    left -= written
                } else if written < 0 && errno == EINTR {
                    continue
                } else if written < 0 && errno == EAGAIN {
                    var waiting = pollfd(fd: outputDescriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&waiting, 1, 100)
                } else {
                    // The terminal is gone (EIO after a hangup): the hangup
                    // signal ends the app; this frame is dropped.
                    previous = nil
                    return
                }
            }
        }
    }

    /// The attributes and colour pair for a style in this terminal's colour
    /// mode (``Style/downgraded(to:)``).
    private func resolve(_ style: Style) -> (attr_t, Int32) {
        let style = style.downgraded(to: palette.mode)
        var attributes = gl_a_normal()
        if style.bold { attributes |= gl_a_bold() }
        if style.dim { attributes |= gl_a_dim() }
        if style.reverse { attributes |= gl_a_reverse() }
        if style.underline { attributes |= gl_a_underline() }
        return (attributes, palette.pair(foreground: style.fg, background: style.bg))
    }
}

/// Colour numbers and colour pairs, allocated on first use and cached.
///
/// Truecolor needs a terminal that can take RGB: a direct-colour terminfo
/// entry (`COLORS` ≥ 2^24, colours are packed RGB), or one that can redefine
/// its palette (`can_change_color`), in which case palette slots 255, 254, …
/// are redefined to each RGB value on first use (ncurses puts the original
/// palette back at exit). Otherwise RGB maps to the nearest palette index.
struct TerminalPalette {
    let mode: ColorMode
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private var slots: [UInt32: Int32] = [:]
    private var nextSlot: Int32 = 255

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    init(mode: ColorMode) {
        self.mode = mode
    }

    /// The pair for two colours; pair 0 (terminal defaults) when colour is off or pairs run out.
    mutating func pair(foreground: Color, background: Color) -> Int32 {
        guard mode != .monochrome, has_colors() else { return 0 }
        let key = PairKey(foreground: number(foreground), background: number(background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        guard nextPair < gl_color_pairs(), init_extended_pair(nextPair, key.foreground, key.background) == gl_ok() else {
            return 0
        }
        pairs[key] = nextPair
        nextPair += 1
        return nextPair - 1
    }

    /// The ncurses colour number for a colour (-1: the terminal default).
    private mutating func number(_ color: Color) -> Int32 {
        let colors = gl_colors()
        switch color.downgraded(to: mode) {
        case .default:
            return -1
        case .indexed(let index):
            return Int32(index) < colors ? Int32(index) : Int32(index % 8)
        case .rgb(let r, let g, let b):
            if colors >= 0x100_0000 { return Int32(r) << 16 | Int32(g) << 8 | Int32(b) }
            let packed = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
            if let slot = slots[packed] { return slot }
            if can_change_color(), colors >= 256, nextSlot >= 16 {
                let scale = { (v: UInt8) in Int32(v) * 1000 / 255 }
                if init_extended_color(nextSlot, scale(r), scale(g), scale(b)) == gl_ok() {
                    slots[packed] = nextSlot
                    nextSlot -= 1
                    return nextSlot + 1
                }
            }
            let fallback = colors >= 256 ? Int32(Palette.xterm256(r: r, g: g, b: b)) : Int32(Palette.ansi(r: r, g: g, b: b))
            slots[packed] = fallback
            return fallback
        }
    }
}
