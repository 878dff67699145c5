/// Turns frames into the bytes an ANSI terminal needs to show them.
///
/// ncurses diffs its own copy of the screen and looks up every colour and
/// cursor change in terminfo; for a frame that changes most of its cells
/// that costs more than building the frame (docs/performance.md). The lab
/// already knows what changed (it keeps the last ``Screen``), so this writes
/// the changed runs directly, as btop does: a cursor move before each run,
/// one SGR sequence at each change of style, and UTF-8 text.
///
/// The sequences are ECMA-48 / xterm ones: `CSI row;col H`, `CSI 0;…m`
/// (1 bold, 2 dim, 4 underline, 7 reverse; 30–37, 90–97, `38;5;n` and
/// `38;2;r;g;b` foregrounds and their backgrounds). ``Terminal`` uses the
/// encoder only when terminfo's `cup` is that sequence and the terminal does
/// not scroll when the bottom-right cell is written (`xenl`, or no `am`);
/// anywhere else frames go through ncurses as before.
public struct FrameEncoder: Sendable {
    /// What colours become.
    public let colorMode: ColorMode
    /// The terminal's colour count (terminfo `colors`): indices at or above
    /// it fold onto the 8 ANSI colours, as with ncurses.
    public let terminalColors: Int
    /// A terminal that cannot show non-ASCII text gets `?` instead.
    public let asciiOnly: Bool

    public init(colorMode: ColorMode, terminalColors: Int = 256, asciiOnly: Bool = false) {
        self.colorMode = colorMode
        self.terminalColors = terminalColors
        self.asciiOnly = asciiOnly
    }

    /// Appends the bytes that turn what the terminal shows into `screen`.
    ///
    /// - Parameters:
    ///   - screen: the new frame.
    ///   - previous: what the terminal shows now (the last frame encoded), or
    ///     nil when that is unknown: the screen is then cleared and every cell
    ///     that is not a blank is written.
    ///   - columns: the terminal's width; the frame is clipped to it.
    ///   - rows: the terminal's height.
    ///   - output: where the bytes go (appended; nothing when nothing changed).
    public func encode(_ screen: Screen, over previous: Screen?, columns: Int, rows: Int,
                       into output: inout [UInt8]) {
        let width = min(screen.width, columns), height = min(screen.height, rows)
        let old = previous.flatMap { $0.width == screen.width && $0.height == screen.height ? $0 : nil }
        let start = output.count
        if old == nil {
            // Default colours, home, clear: then blanks need not be written.
            output.append(contentsOf: [0x1B, 0x5B, 0x30, 0x6D, 0x1B, 0x5B, 0x48, 0x1B, 0x5B, 0x32, 0x4A])
        }
        guard width > 0, height > 0 else { return }
        // What the terminal's cursor and pen are known to be; nil: unknown
        // (only at the start: each frame sets both before writing).
        var cursorRow = -1, cursorColumn = -1
        var pen: Style? = old == nil ? .plain : nil
        screen.cells.withUnsafeBufferPointer { cells in
            let oldCells = old?.cells
            for row in 0..<height {
                let base = row * screen.width
                for column in 0..<width {
                    let cell = cells[base + column]
                    if let oldCells {
                        if oldCells[base + column] == cell { continue }
                    } else if cell == .blank {
                        continue
                    }
                    if row != cursorRow || column != cursorColumn {
                        appendCursorMove(row: row, column: column, to: &output)
                    }
                    if pen != cell.style {
                        appendStyle(cell.style, to: &output)
                        pen = cell.style
                    }
                    appendScalar(cell.scalar, to: &output)
                    // At the last column the cursor waits to wrap: its place
                    // is unknown until the next move.
                    cursorRow = row
                    cursorColumn = column + 1 < columns ? column + 1 : -1
                }
            }
        }
        // Leave the default pen, so nothing written around frames (ncurses,
        // a crash message) inherits a colour.
        if output.count > start, pen != .plain {
            output.append(contentsOf: [0x1B, 0x5B, 0x30, 0x6D])
        }
    }

    // MARK: - Sequences

    @inline(__always)
    private func appendCursorMove(row: Int, column: Int, to output: inout [UInt8]) {
        output.append(0x1B)
        output.append(0x5B)
        Self.appendDecimal(row + 1, to: &output)
        output.append(0x3B)
        Self.appendDecimal(column + 1, to: &output)
        output.append(0x48)
    }

    /// `CSI 0;…m`: resets, then sets everything the style has, as the
    /// colour mode shows it (``Style/downgraded(to:)``).
    func appendStyle(_ style: Style, to output: inout [UInt8]) {
        let style = style.downgraded(to: colorMode)
        output.append(0x1B)
        output.append(0x5B)
        output.append(0x30)
        if style.bold { output.append(contentsOf: [0x3B, 0x31]) }
        if style.dim { output.append(contentsOf: [0x3B, 0x32]) }
        if style.underline { output.append(contentsOf: [0x3B, 0x34]) }
        if style.reverse { output.append(contentsOf: [0x3B, 0x37]) }
        appendColor(style.fg, base: 30, to: &output)
        appendColor(style.bg, base: 40, to: &output)
        output.append(0x6D)
    }

    /// One colour's parameters, after `;`: `base` is 30 (foreground) or 40.
    private func appendColor(_ color: Color, base: Int, to output: inout [UInt8]) {
        switch color.downgraded(to: colorMode) {
        case .default:
            return
        case .indexed(let value):
            var index = Int(value)
            if index >= terminalColors { index %= 8 }
            output.append(0x3B)
            if index < 8 {
                Self.appendDecimal(base + index, to: &output)
            } else if index < 16 {
                Self.appendDecimal(base + 60 + index - 8, to: &output)
            } else {
                Self.appendDecimal(base + 8, to: &output)
                output.append(contentsOf: [0x3B, 0x35, 0x3B])
                Self.appendDecimal(index, to: &output)
            }
        case .rgb(let r, let g, let b):
            output.append(0x3B)
            Self.appendDecimal(base + 8, to: &output)
            output.append(contentsOf: [0x3B, 0x32, 0x3B])
            Self.appendDecimal(Int(r), to: &output)
            output.append(0x3B)
            Self.appendDecimal(Int(g), to: &output)
            output.append(0x3B)
            Self.appendDecimal(Int(b), to: &output)
        }
    }

    /// The scalar in UTF-8; control characters (C0, DEL, C1) become spaces,
    /// so no cell can send the terminal a command.
    @inline(__always)
    private func appendScalar(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        let value = scalar.value
        if value < 0x80 {
            output.append(value < 0x20 || value == 0x7F ? 0x20 : UInt8(value))
        } else if asciiOnly {
            output.append(GlyphSet.asciiStandIn(for: scalar))
        } else if value < 0xA0 {
            output.append(0x20)
        } else if value < 0x800 {
            output.append(UInt8(0xC0 | value >> 6))
            output.append(UInt8(0x80 | value & 0x3F))
        } else if value < 0x10000 {
            output.append(UInt8(0xE0 | value >> 12))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        } else {
            output.append(UInt8(0xF0 | value >> 18))
            output.append(UInt8(0x80 | value >> 12 & 0x3F))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// A non-negative integer in decimal ASCII.
    @inline(__always)
    static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(0x30 + value))
        } else if value < 100 {
            output.append(UInt8(0x30 + value / 10))
            output.append(UInt8(0x30 + value % 10))
        } else if value < 1000 {
            output.append(UInt8(0x30 + value / 100))
            output.append(UInt8(0x30 + value / 10 % 10))
            output.append(UInt8(0x30 + value % 10))
        } else {
            appendDecimal(value / 10, to: &output)
            output.append(UInt8(0x30 + value % 10))
        }
    }
}
