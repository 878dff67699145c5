import Testing
@testable import GradlabUI

@Suite struct PaletteTests {
    @Test(arguments: [
        (0, 0, 0, 16), (255, 255, 255, 231), (255, 0, 0, 196), (0, 255, 0, 46), (0, 0, 255, 21),
        (95, 135, 175, 67), (128, 128, 128, 244), (8, 8, 8, 232), (238, 238, 238, 255),
        (100, 140, 180, 67), (30, 30, 30, 234),
    ])
    func rgbToXterm256(r: Int, g: Int, b: Int, index: Int) {
        #expect(Palette.xterm256(r: UInt8(r), g: UInt8(g), b: UInt8(b)) == UInt8(index))
    }

    @Test func everyCubeAndGreyIndexMapsToItself() {
        for index in 16...255 {
            let c = Palette.rgb(ofIndex: UInt8(index))
            let back = Palette.xterm256(r: c.r, g: c.g, b: c.b)
            // Two greys coincide with cube colours (e.g. 16 and 232 are near black): compare colours.
            #expect(Palette.rgb(ofIndex: back) == c || index >= 232, "index \(index) came back as \(back)")
        }
    }

    @Test(arguments: [(0, 0, 0, 0), (255, 255, 255, 15), (250, 10, 10, 9), (0, 0, 200, 4), (120, 120, 120, 8)])
    func rgbToAnsi16(r: Int, g: Int, b: Int, index: Int) {
        #expect(Palette.ansi(r: UInt8(r), g: UInt8(g), b: UInt8(b)) == UInt8(index))
    }

    @Test func downgradeByMode() {
        let orange = Color.rgb(255, 135, 0)
        #expect(orange.downgraded(to: .truecolor) == orange)
        #expect(orange.downgraded(to: .palette256) == .indexed(208))
        #expect(orange.downgraded(to: .monochrome) == .default)
        #expect(Color.default.downgraded(to: .palette16) == .default)
        #expect(Color.indexed(196).downgraded(to: .palette16) == .indexed(9))
        #expect(Color.indexed(196).downgraded(to: .palette8) == .indexed(1))
        if case .indexed(let i) = orange.downgraded(to: .palette8) { #expect(i < 8) } else { Issue.record("not indexed") }
    }

    @Test func colorModeFromEnvironment() {
        #expect(ColorMode.detect(environment: ["COLORTERM": "truecolor", "TERM": "xterm"]) == .truecolor)
        #expect(ColorMode.detect(environment: ["COLORTERM": "24bit"], terminalColors: 256) == .truecolor)
        #expect(ColorMode.detect(environment: ["NO_COLOR": "1", "COLORTERM": "truecolor"]) == .monochrome)
        #expect(ColorMode.detect(environment: ["NO_COLOR": "", "TERM": "xterm-256color"]) == .palette256,
                "an empty NO_COLOR does not count")
        #expect(ColorMode.detect(environment: ["TERM": "xterm-256color"]) == .palette256)
        #expect(ColorMode.detect(environment: ["TERM": "xterm"]) == .palette16)
        #expect(ColorMode.detect(environment: ["TERM": "xterm"], terminalColors: 256) == .palette256)
        #expect(ColorMode.detect(environment: ["TERM": "vt100"], terminalColors: 0) == .monochrome)
        // 8 colours are 8, not 16 (8-15 would show as 0-7); RGB only on a terminal of 256 or more.
        #expect(ColorMode.detect(environment: ["TERM": "xterm"], terminalColors: 8) == .palette8)
        #expect(ColorMode.detect(environment: ["TERM": "screen", "COLORTERM": "truecolor"], terminalColors: 8) == .palette8)
        #expect(ColorMode.detect(environment: ["TERM": "xterm-16color", "COLORTERM": "truecolor"], terminalColors: 16) == .palette16)
        #expect(ColorMode.detect(environment: ["TERM": "screen-256color", "COLORTERM": "truecolor"], terminalColors: 256) == .truecolor)
        #expect(ColorMode.detect(environment: [:]) == .monochrome)
    }

    @Test func glyphsFromLocale() {
        #expect(Capabilities.detect(environment: ["LANG": "en_US.UTF-8"]).glyphs == .braille)
        #expect(Capabilities.detect(environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"]).glyphs == .ascii)
        #expect(Capabilities.detect(environment: ["LC_CTYPE": "C.utf8"]).glyphs == .braille)
        #expect(Capabilities.detect(environment: [:]).glyphs == .ascii)
        #expect(Capabilities.detect(environment: ["LANG": "C"], utf8: true).glyphs == .braille)
    }
}
