import Foundation
import GradlabCore
import GradlabUI

/// The figure keys of the live lab and the replay: `e` writes the current
/// view's figures, `E` the screen as it is (docs/figures.md). Both write
/// under `gradlab-figures/` in the working directory and say where in the
/// status line.
enum FigureKeys {
    static let directory = "gradlab-figures"

    /// A page wants a background of its own: a theme that leaves it to the
    /// terminal (dark) draws its figures in the light theme's colours.
    static func figureTheme(for theme: Theme) -> Theme {
        if case .default = theme.background { return (try? Theme.load(nameOrPath: "light")) ?? theme }
        return theme
    }

    /// `e`: the figures of the run as the view shows it now (log axis,
    /// basins, shading, zoom, parameter pair).
    static func writeFigures(builder: FrameBuilder, run: RunView, view: ViewState, theme: Theme) -> ViewKeyResult {
        var set = FigureSet(config: builder.config, dataset: builder.dataset, theme: figureTheme(for: theme))
        set.planeAxes = builder.planeAxes
        let folder = (directory as NSString).appendingPathComponent("\(builder.config.lab.rawValue)-epoch\(run.epoch)")
        do {
            let written = try FigureSet.write(set.figures(run: run, view: view), to: folder, what: "e")
            return .done(message: "e: figures in \(folder)/: " + written.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "),
                         warning: false)
        } catch {
            return .done(message: error.message, warning: true)
        }
    }

    /// `E`: the screen, colours and all, as an SVG of text cells.
    static func writeCapture(_ screen: Screen, lab: LabKind, epoch: Int, theme: Theme) -> ViewKeyResult {
        let path = (directory as NSString).appendingPathComponent("screen-\(lab.rawValue)-epoch\(epoch).svg")
        func rgb(_ color: Color, _ fallback: (UInt8, UInt8, UInt8)) -> (UInt8, UInt8, UInt8) {
            switch color {
            case .rgb(let r, let g, let b): return (r, g, b)
            case .indexed(let i): let c = XtermPalette.rgb(ofIndex: i); return (c.r, c.g, c.b)
            case .default: return fallback
            }
        }
        let text = ScreenCapture.svg(screen, defaultForeground: rgb(theme.foreground, (216, 222, 233)),
                                     defaultBackground: rgb(theme.background, (30, 33, 40)))
        do {
            _ = try FigureSet.write([FigureSet.Figure(name: (path as NSString).lastPathComponent, svg: text)],
                                   to: directory, what: "E")
            return .done(message: "E: screen written to \(path)", warning: false)
        } catch {
            return .done(message: error.message, warning: true)
        }
    }
}
