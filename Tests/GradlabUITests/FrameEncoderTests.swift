import Testing
@testable import GradlabUI

/// The direct writer's bytes, sequence by sequence.
@Suite struct FrameEncoderTests {
    static let esc = "\u{1B}["

    func encode(_ screen: Screen, over previous: Screen? = nil, mode: ColorMode = .truecolor,
                colors: Int = 256, ascii: Bool = false) -> String {
        var bytes: [UInt8] = []
        FrameEncoder(colorMode: mode, terminalColors: colors, asciiOnly: ascii)
            .encode(screen, over: previous, columns: screen.width, rows: screen.height, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func aFirstFrameClearsAndWritesOnlyWhatIsNotBlank() {
        var screen = Screen(width: 4, height: 2)
        screen.put("ab", x: 1, y: 0, style: .plain)
        screen.put("c", x: 3, y: 1, style: Style(fg: .rgb(1, 2, 3), bold: true))
        let e = Self.esc
        #expect(encode(screen) == "\(e)0m\(e)H\(e)2J" + "\(e)1;2Hab" + "\(e)2;4H\(e)0;1;38;2;1;2;3mc" + "\(e)0m")
    }

    @Test func aChangedFrameSendsOnlyTheChangedCells() {
        var before = Screen(width: 10, height: 3)
        before.put("hello", x: 0, y: 1, style: .plain)
        var after = before
        after.put("J", x: 0, y: 1, style: .plain)
        after.put("!", x: 9, y: 2, style: .plain)
        let e = Self.esc
        // The pen is unknown at the start of a frame, so the first cell sets it.
        #expect(encode(after, over: before) == "\(e)2;1H\(e)0mJ" + "\(e)3;10H!")
        #expect(encode(before, over: before).isEmpty)
    }

    @Test func adjacentChangesShareOneCursorMoveAndOneStyle() {
        let before = Screen(width: 8, height: 1)
        var after = before
        let red = Style(fg: .indexed(1))
        after.put("abc", x: 2, y: 0, style: red)
        let e = Self.esc
        #expect(encode(after, over: before, mode: .palette256) == "\(e)1;3H\(e)0;31mabc\(e)0m")
    }

    @Test func everyColourModeUsesItsOwnSequences() {
        var screen = Screen(width: 1, height: 1)
        screen.put("x", x: 0, y: 0, style: Style(fg: .rgb(255, 0, 0), bg: .indexed(12), underline: true))
        let e = Self.esc
        let prefix = "\(e)0m\(e)H\(e)2J\(e)1;1H"
        #expect(encode(screen, mode: .truecolor) == prefix + "\(e)0;4;38;2;255;0;0;104mx\(e)0m")
        #expect(encode(screen, mode: .palette256) == prefix + "\(e)0;4;38;5;196;104mx\(e)0m")
        #expect(encode(screen, mode: .palette16) == prefix + "\(e)0;4;91;104mx\(e)0m")
        // An 8-colour terminal folds the bright colours onto the eight.
        #expect(encode(screen, mode: .palette16, colors: 8) == prefix + "\(e)0;4;31;44mx\(e)0m")
        #expect(encode(screen, mode: .monochrome) == prefix + "\(e)0;4mx\(e)0m")
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        var screen = Screen(width: 4, height: 1)
        for (column, value) in [0x1B, 0x07, 0x9B, 0x7F].enumerated() {
            screen.modify(x: column, y: 0) { $0.scalar = Unicode.Scalar(value)! }
        }
        let text = encode(screen, mode: .monochrome)
        #expect(text == "\(Self.esc)0m\(Self.esc)H\(Self.esc)2J\(Self.esc)1;1H    ")
    }

    @Test func asciiTerminalsGetAPlaceholderForOtherGlyphs() {
        var screen = Screen(width: 2, height: 1)
        screen.put("⣿é", x: 0, y: 0, style: .plain)
        #expect(encode(screen, ascii: true).hasSuffix("1;1H??"))
        #expect(encode(screen).hasSuffix("1;1H⣿é"))
    }

    /// The labels' symbols have look-alikes, one cell each: `|grad|`,
    /// `df/dx1`, `lmax`, an arrow key's `>`, not a row of `?`.
    @Test func asciiTerminalsGetLookAlikesForTheLabelsSymbols() {
        var screen = Screen(width: 16, height: 1)
        screen.put("‖∇‖ ∂f/∂x λ→–×", x: 0, y: 0, style: .plain)
        let text = encode(screen, ascii: true)
        #expect(text.contains("|V|") && text.contains("df/dx") && text.contains("l>-x") && !text.contains("?"), "\(text)")
    }

    @Test func aFrameIsClippedToTheTerminal() {
        var screen = Screen(width: 5, height: 3)
        screen.fill(screen.bounds, with: "#", style: .plain)
        var bytes: [UInt8] = []
        FrameEncoder(colorMode: .monochrome).encode(screen, over: nil, columns: 2, rows: 1, into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "\(Self.esc)0m\(Self.esc)H\(Self.esc)2J\(Self.esc)1;1H##")
    }

    @Test func aWriteInTheLastColumnForgetsWhereTheCursorIs() {
        // After the last column the cursor waits to wrap; the next cell of
        // the next row must not rely on the wrap.
        var before = Screen(width: 3, height: 2)
        before.put("...", x: 0, y: 0, style: .plain)
        before.put("...", x: 0, y: 1, style: .plain)
        var after = before
        after.put("A", x: 2, y: 0, style: .plain)
        after.put("B", x: 0, y: 1, style: .plain)
        let e = Self.esc
        #expect(encode(after, over: before, mode: .monochrome) == "\(e)1;3H\(e)0mA\(e)2;1HB")
    }

    @Test func decimalsOfEveryLength() {
        for value in [0, 7, 10, 99, 100, 255, 999, 1000, 12345] {
            var bytes: [UInt8] = []
            FrameEncoder.appendDecimal(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
    }
}
