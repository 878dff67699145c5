import Testing
@testable import GradlabUI

/// On 8 and 16 colours every glyph must read: no foreground in its
/// background's colour, none in black over the terminal's own background
/// (black on the Linux console), and no grey turned into black or a hue.
@Suite struct FewColourTests {
    static let esc = "\u{1B}["

    @Test func theDarkBorderIsTheTerminalsForegroundDimmedOnEightColours() {
        let border = Style(fg: Theme.dark.border, bg: Theme.dark.background)
        #expect(border.downgraded(to: .palette8) == Style(fg: .default, bg: .default, dim: true))
        // Muted text was cyan: a grey stays a grey.
        #expect(Theme.dark.mutedText.downgraded(to: .palette8) == Style(fg: .default, bg: .default, dim: true))
        // The text itself is not dimmed, nor the marker.
        #expect(Theme.dark.text.downgraded(to: .palette8).dim == false)
        #expect(Style(fg: Theme.dark.marker).downgraded(to: .palette8) == Style(fg: .default))
        // 256 colours keep the theme's grey.
        #expect(border.downgraded(to: .palette256).fg == .indexed(Palette.xterm256(r: 0x43, g: 0x4c, b: 0x5e)))

        var screen = Screen(width: 1, height: 1)
        screen.put("┤", x: 0, y: 0, style: border)
        var bytes: [UInt8] = []
        FrameEncoder(colorMode: .palette8, terminalColors: 8)
            .encode(screen, over: nil, columns: 1, rows: 1, into: &bytes)
        let e = Self.esc
        #expect(String(decoding: bytes, as: UTF8.self) == "\(e)0m\(e)H\(e)2J\(e)1;1H\(e)0;2m┤\(e)0m")
    }

    @Test func theLightThemesGreysAreBlackDimmedOnItsWhite() {
        let light = Theme.light
        for grey in [light.border, light.muted] {
            #expect(Style(fg: grey, bg: light.background).downgraded(to: .palette8)
                    == Style(fg: .indexed(0), bg: .indexed(7), dim: true))
        }
        #expect(light.text.downgraded(to: .palette8) == Style(fg: .indexed(0), bg: .indexed(7)))
    }

    @Test func aColourOnItsOwnBackgroundTakesBlackOrWhite() {
        // A blue dot on a blue band, on 16 colours as on 8.
        let dot = Style(fg: .rgb(0, 0, 230), bg: .indexed(4))
        #expect(dot.downgraded(to: .palette16).fg == .indexed(15))
        #expect(dot.downgraded(to: .palette8).fg == .indexed(7))
        #expect(Style(fg: .rgb(10, 10, 40)).downgraded(to: .palette16).fg == .default)
        // Distinct colours are left alone.
        #expect(Style(fg: .rgb(255, 0, 0), bg: .indexed(4)).downgraded(to: .palette8) == Style(fg: .indexed(1), bg: .indexed(4)))
    }

    /// Every glyph of a whole frame, in every shipped theme.
    @Test(arguments: ["dark", "light", "high-contrast"], [ColorMode.palette8, .palette16])
    func everyGlyphOfAFrameReads(theme name: String, mode: ColorMode) throws {
        let theme = try Theme.load(nameOrPath: name)
        let caps = Capabilities(colorMode: mode, glyphs: .braille)
        let screen = Dashboard.render(DashboardTests.model(), width: 120, height: 40, theme: theme, caps: caps)
        var hidden: [String] = []
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let cell = screen[x, y]
                guard cell.scalar != " ", cell.scalar != "\u{2800}" else { continue }
                let shown = cell.style.downgraded(to: mode)
                let onItsBackground = shown.bg == .default ? shown.fg == .indexed(0) : shown.fg == shown.bg
                if onItsBackground { hidden.append("\(cell.scalar) at \(x),\(y): \(shown)") }
                if mode == .palette8, case .rgb(let r, let g, let b) = cell.style.fg,
                   Style.chroma((r, g, b)) <= Style.greyChroma, case .indexed(let i) = shown.fg, i != 0 && i != 7 {
                    hidden.append("grey \(cell.scalar) at \(x),\(y) became colour \(i)")
                }
            }
        }
        #expect(hidden.isEmpty, "\(hidden.prefix(5))")
    }
}
