import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import GradlabUI

/// `E`'s screen capture: the cells as SVG text, colours and attributes kept.
@Suite("Screen captures")
struct ScreenCaptureTests {
    @Test("a capture holds each run of text in its colours, reverse video swapped, as well-formed XML")
    func capture() {
        var screen = Screen(width: 20, height: 2)
        screen.put("loss <0.5>", x: 1, y: 0, style: Style(fg: .rgb(255, 0, 0), bg: .rgb(0, 0, 255), bold: true))
        screen.put("⠉⠒ PAUSED", x: 0, y: 1, style: Style(fg: .rgb(10, 20, 30), bg: .rgb(200, 200, 200), reverse: true))
        let svg = ScreenCapture.svg(screen, defaultForeground: (1, 1, 1), defaultBackground: (2, 2, 2))
        #expect(svg.contains("fill=\"#ff0000\" font-weight=\"bold\">loss &lt;0.5&gt;</text>"))
        #expect(svg.contains("fill=\"#0000ff\""), "the background run")
        #expect(svg.contains("fill=\"#c8c8c8\">⠉⠒ PAUSED</text>"), "reverse: the background colour is the text's")
        #expect(svg.contains("<rect x=\"0\" y=\"0\" width=\"168\" height=\"34\" fill=\"#020202\"/>"), "20 × 2 cells of 8.4 × 17")
        #expect(XMLParser(data: Data(svg.utf8)).parse())
    }

    @Test("frames as terminal text: the first draws everything, the next only what changed")
    func ansiFrames() {
        var frames = ANSIFrames()
        var screen = Screen(width: 10, height: 3)
        screen.put("epoch 1", x: 0, y: 0, style: Style(fg: .rgb(1, 2, 3)))
        let first = frames.text(for: screen)
        #expect(first.hasPrefix("\u{1B}[?25l\u{1B}[0m\u{1B}[H\u{1B}[2J"))
        #expect(first.contains("\u{1B}[0;38;2;1;2;3mepoch 1"))
        screen.put("2", x: 6, y: 0, style: Style(fg: .rgb(1, 2, 3)))
        #expect(frames.text(for: screen) == "\u{1B}[1;7H\u{1B}[0;38;2;1;2;3m2\u{1B}[0m")
        #expect(frames.text(for: screen) == "", "nothing changed")
    }
}
