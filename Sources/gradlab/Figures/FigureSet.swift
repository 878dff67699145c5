import Foundation
import GradlabCore
import GradlabMath
import GradlabUI

/// The figures of a run at one epoch, as SVG files: built by the same
/// ``FrameBuilder`` that builds the terminal's frames, so the plane, the
/// loss curves and the data view carry the same numbers, colours and
/// legends (docs/figures.md).
///
/// - landscape: `plane.svg` (f's contour bands, every trajectory), `loss.svg`;
/// - data labs: `data.svg` (data, predictions, fitted line or curve),
///   `data-start.svg` (the same before training, when the run holds
///   epoch 0), `plane.svg` (the loss over two parameters with the path),
///   `loss.svg`.
struct FigureSet {
    struct Figure: Equatable {
        var name: String
        var svg: String
    }

    let config: LabConfig
    let dataset: LabDataset
    let theme: Theme
    /// Contour grid nodes across and down.
    var grid = PlaneFigure.defaultGrid
    /// The parameters a data lab's plane shows (the quadratic's `p` picks them).
    var planeAxes = (0, 1)

    /// - Parameters:
    ///   - run: the run at the figures' epoch.
    ///   - start: the run at its first epoch (predictions before training), or nil.
    ///   - view: what the terminal shows (log axis, basins, shading, zoom);
    ///     the default view when nil.
    func figures(run: RunView, start: RunView? = nil, view: ViewState? = nil) -> [Figure] {
        var builder = FrameBuilder(config: config, dataset: dataset)
        builder.showsPredictions = true
        for _ in 0..<3 where builder.planeAxes != planeAxes { builder.nextParameterPair() }
        var view = view ?? ViewState(main: .plane)
        view.showHelp = false
        let caption = Self.caption(config: config, run: run)
        var out: [Figure] = []

        view.main = .plane
        let model = builder.model(run: run, view: view, width: 120, height: 40)
        if config.lab != .landscape, let start {
            var before = view
            before.main = .data
            if case .data(let plot) = builder.model(run: start, view: before, width: 120, height: 40).main {
                let title = "\(plot.title) before training: \(Self.caption(config: config, run: start))"
                out.append(Figure(name: "data-start.svg", svg: plot.figure(title: title, theme: theme).svg(style: theme.figureStyle)))
            }
        }
        if config.lab != .landscape {
            var data = view
            data.main = .data
            if case .data(let plot) = builder.model(run: run, view: data, width: 120, height: 40).main {
                out.append(Figure(name: "data.svg", svg: plot.figure(title: "\(plot.title): \(caption)", theme: theme)
                    .svg(style: theme.figureStyle)))
            }
        }
        if case .plane(let plane) = model.main {
            let field = fineField(builder: builder, plane: plane, run: run)
            let fixed = config.lab == .landscape ? nil : FrameBuilder.fixedParameters(config.parameterNames, axes: builder.planeAxes)
            let name = config.lab == .landscape ? "Trajectories" : "Loss surface" + (fixed.map { ", " + $0 } ?? "")
            out.append(Figure(name: "plane.svg", svg: plane.figure(title: "\(name): \(caption)", field: field, theme: theme)
                .svg(style: theme.figureStyle)))
        }
        let loss = model.loss
        out.append(Figure(name: "loss.svg", svg: loss.figure(title: "\(loss.title): \(caption)", theme: theme).svg(style: theme.figureStyle)))
        return out.sorted { $0.name < $1.name }
    }

    /// f (or a data lab's loss) at the nodes of the figure's contour grid.
    private func fineField(builder: FrameBuilder, plane: ParameterPlane, run: RunView) -> ScalarField? {
        guard let program = builder.valueProgram else { return nil }
        let x = ParameterPlane.nonEmpty(plane.xRange), y = ParameterPlane.nonEmpty(plane.yRange)
        let ranges = PlaneFigure.sampleRanges(xRange: x, yRange: y, columns: grid.columns, rows: grid.rows)
        var field = PlaneField()
        if config.lab == .landscape {
            return field.landscape(program: program, columns: grid.columns, rows: grid.rows, xRange: ranges.x, yRange: ranges.y)
        }
        let current = run.latest?.params.compactMap(\.values.first) ?? []
        guard current.count == config.parameterNames.count else { return nil }
        return field.loss(program: program, parameters: config.parameterNames, axes: builder.planeAxes, fixed: current,
                          samples: [dataset.trainInputs, dataset.trainTargets], columns: grid.columns, rows: grid.rows,
                          xRange: ranges.x, yRange: ranges.y)
    }

    /// The part of every title that names the run: lab, function (or
    /// model), optimizer, epoch.
    static func caption(config: LabConfig, run: RunView) -> String {
        var function = config.functionName ?? (config.function == LabConfig.tutorialFunction ? "tutorial" : config.function)
        if config.lab == .landscape { function = "f = " + function }
        if function.count > 40 { function = String(function.prefix(39)) + "…" }
        let optimizer = config.compare == nil
            ? (run.optimizer.isEmpty ? config.optimizer.summary : run.optimizer)
            : FrameBuilder.groupsLabel(config)
        return "\(config.lab.rawValue), \(function), \(optimizer), epoch \(run.epoch)"
    }

    /// Writes the figures into `directory` (created when missing; removed
    /// again when the first write fails and leaves it empty).
    /// - Returns: the paths written.
    static func write(_ figures: [Figure], to directory: String, what: String) throws(GradlabError) -> [String] {
        let made = try makeFolder(directory, what: what)
        var paths: [String] = []
        do {
            for figure in figures {
                let path = (directory as NSString).appendingPathComponent(figure.name)
                try OutputFile.write(figure.svg, to: path, what: "\(what) \(path)")
                paths.append(path)
            }
        } catch {
            removeEmpty(made)
            throw error
        }
        return paths
    }

    /// Makes `directory` (and the folders above it) when missing, or
    /// checks that it is a folder: before a run that writes figures at its
    /// end (`--plot`), and by ``write(_:to:what:)``. Each failure is a plain
    /// reason naming the path at fault (`--plot a/b: a is not a folder`),
    /// never Foundation's "NSCocoaErrorDomain error 512".
    /// - Parameter what: how messages name the folder's flag (`--plot`).
    /// - Returns: the folders it made, outermost first, for
    ///   ``removeEmpty(_:)`` when what was to fill them fails.
    @discardableResult
    static func makeFolder(_ directory: String, what: String) throws(GradlabError) -> [String] {
        guard !directory.isEmpty else { throw GradlabError("\(what) needs a folder path") }
        var made: [String] = []
        func fail(_ reason: String) -> GradlabError {
            removeEmpty(made)
            return GradlabError("\(what) \(directory): \(reason)")
        }
        let absolute = directory.hasPrefix("/")
        var path = ""
        // Each folder from the top, so a file in the way is named.
        for (index, component) in directory.split(separator: "/").enumerated() {
            path = index == 0 && !absolute ? String(component) : path + "/" + component
            var info = stat()
            if stat(path, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { throw fail("\(path) is not a folder") }
                continue
            }
            let looked = errno
            guard looked == ENOENT else {
                throw fail(looked == ENOTDIR ? "\(path) is not a folder" : "cannot reach \(path) (\(String(cString: strerror(looked))))")
            }
            if mkdir(path, 0o777) == 0 {
                made.append(path)
                continue
            }
            let refused = errno
            switch refused {
            case EEXIST: continue
            case ENOENT: throw fail("no such folder \(path), and it cannot be created there")
            case EACCES, EPERM: throw fail("cannot create the folder \(path) (permission denied)")
            default: throw fail("cannot create the folder \(path) (\(String(cString: strerror(refused))))")
            }
        }
        guard access(directory, W_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw fail("the folder is not writable (\(reason))")
        }
        return made
    }

    /// Removes the folders of `made` (``makeFolder(_:what:)``'s) that are
    /// empty, innermost first: a run or an export that fails leaves no
    /// empty folder of gradlab's behind. `rmdir` removes only an empty
    /// folder, so a file anyone put there keeps it, and a folder that was
    /// there before is never in `made`.
    static func removeEmpty(_ made: [String]) {
        for path in made.reversed() where rmdir(path) != 0 { return }
    }
}

extension FigureSet {
    /// The figures of a recording at `epoch` (its last when nil).
    /// - Parameters:
    ///   - logLoss: the loss on a log axis (`l` in the TUI), refused as the TUI refuses it.
    ///   - basins: the landscape coloured by basin (`b`), for named functions.
    static func of(file: RunFile, epoch: Int?, theme: Theme, logLoss: Bool = false, basins: Bool = false)
        async throws(GradlabError) -> [Figure] {
        let index = RunIndex(file)
        guard index.count > 0 else { throw GradlabError("no epoch events to draw") }
        let position: Int
        if let epoch {
            guard let found = index.position(ofEpoch: epoch, near: index.lastPosition) else {
                let first = index.records.first?.epoch ?? 0, last = index.records.last?.epoch ?? 0
                throw GradlabError("--epoch \(epoch): the recording holds epochs \(first) to \(last)")
            }
            position = found
            // A recording that restarts (x, R, :points) may hold the epoch more than once.
            let holding = index.segments.filter { segment in segment.contains { index.records[$0].epoch == epoch } }.count
            if holding > 1 {
                writeError("gradlab: epoch \(epoch) is in \(holding) runs of the recording (it restarts); drawing the last one's\n")
            }
        } else {
            position = index.lastPosition
        }
        let frames = ReplayFrames(index: index, name: "")
        let run = frames.runView(at: position)
        let segmentStart = index.segment(containing: position).lowerBound
        let start = segmentStart == position ? nil : frames.runView(at: segmentStart)
        let set = FigureSet(config: file.config, dataset: try await ReplayRun.dataset(of: file.config), theme: theme)
        var view = ViewState(main: .plane)
        let builder = FrameBuilder(config: file.config, dataset: set.dataset)
        if logLoss {
            if let refusal = builder.logRefusal(run) { throw GradlabError("--log: " + refusal.dropFirst(3)) }
            view.logScale = true
        }
        if basins {
            guard builder.hasBasins else {
                throw GradlabError(file.config.lab == .landscape
                                   ? "--basins: basins are known for named functions only (see gradlab functions), not a typed --f"
                                   : "--basins: basins belong to the landscape lab")
            }
            view.showBasins = true
        }
        return set.figures(run: run, start: start, view: view)
    }
}
