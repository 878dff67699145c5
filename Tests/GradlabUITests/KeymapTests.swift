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

    @Test func controlCodesDecode() {
        #expect(Terminal.characterKey(3) == .ctrl("c"))
        #expect(Terminal.characterKey(13) == .enter)
        #expect(Terminal.characterKey(9) == .tab)
        #expect(Terminal.characterKey(27) == .escape)
        #expect(Terminal.characterKey(0x71) == .character("q"))
        #expect(Terminal.characterKey(0x2800) == .character("\u{2800}"))
    }
}
