import Testing
@testable import GradlabUI

@Suite struct KeymapTests {
    @Test func everyActionHasABinding() {
        for action in Action.allCases {
            #expect(Keymap.binding(for: action) != nil, "\(action) has no key")
        }
    }

    @Test func noKeyIsBoundTwice() {
        #expect(Keymap.conflicts(in: Keymap.default).isEmpty)
    }

    @Test func specifiedKeys() {
        let expected: [(Key, Action)] = [
            (.character(" "), .stepOnce), (.character("."), .stepOnce),
            (.character("r"), .runPause), (.enter, .runPause),
            (.character("+"), .lrUpQuarter), (.character("-"), .lrDownQuarter),
            (.character("]"), .lrUpDecade), (.character("["), .lrDownDecade),
            (.character("n"), .epochsPerFrameUp), (.character("N"), .epochsPerFrameDown),
            (.character("o"), .nextOptimizer), (.character("d"), .nextDevice),
            (.character("v"), .switchView), (.character("l"), .toggleLogScale),
            (.character("R"), .resetNewSeed), (.tab, .focusNext), (.backTab, .focusPrevious),
            (.right, .selectNext), (.left, .selectPrevious), (.down, .selectNextGroup), (.up, .selectPreviousGroup),
            (.character("?"), .help),
            (.character("q"), .quit), (.ctrl("c"), .quit), (.escape, .dismiss),
        ]
        for (key, action) in expected { #expect(Keymap.action(for: key) == action, "\(key)") }
        // Ctrl-Z is listed where the global keys are, live and in a replay.
        #expect(Keymap.action(for: .ctrl("z")) == .suspend)
        #expect(Keymap.action(for: .ctrl("z"), in: Keymap.replay) == .suspend)
        #expect(Keymap.binding(for: .suspend)?.group == .app)
        #expect(Keymap.action(for: .character("y")) == nil)
    }

    @Test func everyBindingAppearsInTheHelpOverlay() {
        var screen = Screen(width: 120, height: 40)
        HelpOverlay().render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let text = screen.lines.joined(separator: "\n")
        for binding in Keymap.default {
            #expect(text.contains(binding.help), "help for \(binding.action) is missing")
            for key in binding.keys {
                #expect(text.contains(key.displayName()), "key \(key) is missing")
            }
        }
    }

    /// At 60×20 the keys do not fit: the columns stay readable (no help
    /// text cut), the footer says which lines show, and scrolling through
    /// shows every binding.
    @Test func theHelpScrollsOnASmallTerminal() {
        let area = Rect(x: 0, y: 0, width: 60, height: 19)
        var overlay = HelpOverlay()
        let overflow = overlay.overflow(area: area, caps: .full)
        #expect(overflow > 0)
        var seen = ""
        for scroll in 0...overflow + 3 {
            overlay.scroll = scroll
            var screen = Screen(width: 60, height: 20)
            overlay.render(into: &screen, area: area, theme: .dark, caps: .full)
            let text = screen.lines.joined(separator: "\n")
            #expect(text.contains("j/k scroll"), "scroll \(scroll): \(text)")
            #expect(!text.contains("…"), "a help text cut at scroll \(scroll): \(text)")
            seen += text
        }
        for binding in Keymap.default {
            #expect(seen.contains(binding.help), "help for \(binding.action) never shown")
        }
        // Where everything fits, nothing scrolls and the footer is the plain one.
        #expect(HelpOverlay().overflow(area: Rect(x: 0, y: 0, width: 120, height: 40), caps: .full) == 0)
    }

    /// At 80×24 and 100×30 a help text longer than its column wraps onto
    /// the next line, and the last message is wrapped to the box: a review
    /// found both cut (`rewind to the last finit~`, a CUDA message missing
    /// words mid-sentence).
    @Test(arguments: [(80, 24), (100, 30), (60, 20)])
    func nothingInTheHelpIsCut(width: Int, height: Int) {
        let message = "cuda: CUDA unavailable: no CUDA driver (libcuda.so.1: not found; libcuda.so: not found). Set "
            + "GRADLAB_CUDA_DRIVER or GRADLAB_NVRTC to a library's path, or install NVIDIA's driver and the "
            + "nvidia-cuda-nvrtc-cu12 wheel (docs/devices.md); staying on cpu"
        let area = Rect(x: 0, y: 0, width: width, height: height - 1)
        var overlay = HelpOverlay(lastMessage: message)
        var seen: [String] = []
        for scroll in 0...overlay.overflow(area: area, caps: .full) {
            overlay.scroll = scroll
            var screen = Screen(width: width, height: height)
            overlay.render(into: &screen, area: area, theme: .dark, caps: .full)
            #expect(!screen.lines.contains { $0.contains("…") }, "\(width)x\(height), scroll \(scroll):\n\(screen.lines.joined(separator: "\n"))")
            seen += screen.lines
        }
        // Every word, in order, on the lines shown (a wrapped text continues on the next line).
        let words = seen.joined(separator: " ").split(separator: " ").map(String.init).filter { !$0.contains("│") }
        func inOrder(_ text: String) -> Bool {
            var rest = words[...]
            for word in text.split(separator: " ").map(String.init) {
                guard let found = rest.firstIndex(of: word) else { return false }
                rest = rest[(found + 1)...]
            }
            return true
        }
        #expect(inOrder("Last message: " + message), "\(width)x\(height)")
        for binding in Keymap.default { #expect(inOrder(binding.help), "\(width)x\(height): \(binding.help)") }
    }

    @Test func controlCodesDecode() {
        #expect(Terminal.characterKey(3) == .ctrl("c"))
        #expect(Terminal.characterKey(13) == .enter)
        #expect(Terminal.characterKey(9) == .tab)
        #expect(Terminal.characterKey(27) == .escape)
        #expect(Terminal.characterKey(0x71) == .character("q"))
        #expect(Terminal.characterKey(0x2800) == .character("\u{2800}"))
    }
}
