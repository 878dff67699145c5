import Foundation

/// Times building a full dashboard frame and flushing it through ncurses.
///
/// The model is synthetic: `trajectories` spirals of `epochs` points each
/// over a shaded landscape, three loss series, a filled inspector. Frames
/// alternate between two phases of the spirals so every flush has real
/// changes to send. Evaluating the landscape is the app's work, not the
/// frame's, so it is done once outside the timing.
@MainActor
public enum FrameBenchmark {
    /// Median milliseconds per frame to build (``Dashboard/render(_:into:theme:caps:)``)
    /// and to flush (``Terminal/draw(_:)`` into an offscreen ncurses screen;
    /// nil when that could not start). The median, not the mean, so another
    /// process stealing the CPU for a few frames does not skew the figure.
    public static func run(
        width: Int = 200, height: Int = 60, trajectories: Int = 1000, epochs: Int = 1000, iterations: Int = 50
    ) -> (buildMilliseconds: Double, flushMilliseconds: Double?) {
        let models = [0.0, 0.35].map {
            syntheticModel(width: width, height: height, trajectories: trajectories, epochs: epochs, phase: $0)
        }
        let theme = Theme.dark, caps = Capabilities.full
        let count = max(1, iterations)
        var screens: [Screen] = []
        var screen = Screen(width: width, height: height)
        let clock = ContinuousClock()
        // One untimed frame warms caches and lazily built tables.
        Dashboard.render(models[0], into: &screen, theme: theme, caps: caps)

        var buildTimes: [Double] = []
        for i in 0..<count {
            buildTimes.append(milliseconds(clock.measure {
                Dashboard.render(models[i % 2], into: &screen, theme: theme, caps: caps)
            }))
            if screens.count < 2 { screens.append(screen) }
        }
        if screens.count < 2 { screens.append(Dashboard.render(models[1], width: width, height: height,
                                                               theme: theme, caps: caps)) }
        return (median(buildTimes), flush(screens, width: width, height: height, iterations: count, writer: .direct))
    }

    /// Median milliseconds to flush frames alternating between two screens
    /// (each changes most cells of the other) into an offscreen terminal
    /// through `writer`; nil when no offscreen terminal could start.
    public static func flush(_ screens: [Screen], width: Int, height: Int, iterations: Int,
                             writer: FrameWriter) -> Double? {
        guard !screens.isEmpty,
              let terminal = try? Terminal.offscreen(width: width, height: height, colorMode: .truecolor,
                                                     writer: writer) else { return nil }
        defer { terminal.restore() }
        let clock = ContinuousClock()
        terminal.draw(screens[0])
        var flushTimes: [Double] = []
        for i in 0..<max(1, iterations) {
            flushTimes.append(milliseconds(clock.measure { terminal.draw(screens[(i + 1) % screens.count]) }))
        }
        return median(flushTimes)
    }

    /// The two screens ``run(width:height:trajectories:epochs:iterations:)`` flushes.
    public static func alternatingScreens(width: Int = 200, height: Int = 60, trajectories: Int = 1000,
                                          epochs: Int = 1000) -> [Screen] {
        [0.0, 0.35].map {
            Dashboard.render(syntheticModel(width: width, height: height, trajectories: trajectories,
                                            epochs: epochs, phase: $0),
                             width: width, height: height, theme: .dark, caps: .full)
        }
    }

    /// Like ``run(width:height:trajectories:epochs:iterations:)`` but as the
    /// live app runs: the plane keeps a ``TrailCache`` and each frame adds
    /// one epoch (one point per trajectory) to trails already `epochs` long,
    /// so only the new segments are rasterized.
    public static func runIncremental(
        width: Int = 200, height: Int = 60, trajectories: Int = 1000, epochs: Int = 1000, iterations: Int = 50
    ) -> (buildMilliseconds: Double, flushMilliseconds: Double?) {
        let count = max(1, iterations)
        let full = syntheticModel(width: width, height: height, trajectories: trajectories,
                                  epochs: epochs + count, phase: 0)
        guard case .plane(let fullPlane) = full.main else { return (0, nil) }
        let cache = TrailCache()
        let theme = Theme.dark, caps = Capabilities.full
        let clock = ContinuousClock()
        var model = full
        func frame(_ length: Int) -> DashboardModel {
            var plane = fullPlane
            plane.trajectories = fullPlane.trajectories.map { Trajectory(points: Array($0.points.prefix(length)), role: $0.role) }
            plane.trailCache = cache
            model.main = .plane(plane)
            model.status.epoch = length
            return model
        }
        var screen = Screen(width: width, height: height)
        Dashboard.render(frame(epochs), into: &screen, theme: theme, caps: caps)
        let terminal = try? Terminal.offscreen(width: width, height: height, colorMode: .truecolor)
        defer { terminal?.restore() }
        terminal?.draw(screen)
        var buildTimes: [Double] = [], flushTimes: [Double] = []
        for i in 1...count {
            let next = frame(epochs + i)  // slicing the trails is the app's work, not timed
            buildTimes.append(milliseconds(clock.measure {
                Dashboard.render(next, into: &screen, theme: theme, caps: caps)
            }))
            if let terminal { flushTimes.append(milliseconds(clock.measure { terminal.draw(screen) })) }
        }
        return (median(buildTimes), terminal == nil ? nil : median(flushTimes))
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// A full dashboard model with spiralling trajectories, for benchmarks and demos.
    /// - Parameter phase: rotates every spiral, so two phases differ almost everywhere.
    public static func syntheticModel(
        width: Int, height: Int, trajectories: Int, epochs: Int, phase: Double = 0
    ) -> DashboardModel {
        let xRange = -3.0...3.0, yRange = -3.0...3.0
        let minimum = SIMD2(0.6, -0.4)
        var paths: [Trajectory] = []
        paths.reserveCapacity(trajectories)
        let side = max(1, Int(Double(trajectories).squareRoot().rounded(.up)))
        for k in 0..<trajectories {
            let start = SIMD2(-2.8 + 5.6 * Double(k % side) / Double(max(1, side - 1)),
                              -2.8 + 5.6 * Double(k / side) / Double(max(1, side - 1)))
            let offset = start - minimum
            let radius = (offset * offset).sum().squareRoot()
            let angle = atan2(offset.y, offset.x) + phase
            var points: [SIMD2<Double>] = []
            points.reserveCapacity(epochs)
            for t in 0..<epochs {
                let decay = exp(-Double(t) / Double(max(1, epochs)) * 5)
                let theta = angle + Double(t) * 0.02
                points.append(minimum + radius * decay * SIMD2(cos(theta), sin(theta)))
            }
            paths.append(Trajectory(points: points, role: .series(k % Theme.seriesCount)))
        }
        var plane = ParameterPlane(title: "Landscape  f = sin(x1)·cos(x2) + 0.1·|x|²", xRange: xRange, yRange: yRange,
                                   trajectories: paths, selected: 0,
                                   legend: [LegendEntry("sgd", role: .series(0)), LegendEntry("adam", role: .series(1))])
        let names = ["train", "test", "val"]
        let roles: [ThemeRole] = [.train, .test, .series(2)]
        var losses: [LossSeries] = []
        for s in 0..<3 {
            let scale = 2.0 + Double(s)
            let values = (0..<epochs).map { t -> Double in
                let decay = scale * exp(-Double(t) / 150)
                return decay + 0.01 * (1 + sin(Double(t) * 0.3 + phase))
            }
            losses.append(LossSeries(name: names[s], values: values, role: roles[s]))
        }
        let inspector = Inspector(sections: [
            InspectorSection("Run", rows: [
                InspectorRow("lab", "landscape"), InspectorRow("optimizer", "adam"),
                InspectorRow("lr", "0.01", emphasis: .accent), InspectorRow("device", "cpu"),
            ]),
            InspectorSection("Selected point", rows: [
                InspectorRow("x1", "0.6012"), InspectorRow("x2", "-0.3998"),
                InspectorRow("f", "-0.5231", emphasis: .strong), InspectorRow("|grad|", "1.2e-4"),
            ]),
            InspectorSection("Points", rows: [
                InspectorRow("tracked", "\(trajectories)"), InspectorRow("diverged", "0"),
            ]),
        ])
        var model = DashboardModel(
            status: StatusBar(mode: .live, lab: "landscape", epoch: epochs, learningRate: 0.01, optimizer: "adam",
                              device: "cpu", epochsPerFrame: 10, recording: true, message: "benchmark frame"),
            main: .plane(plane), loss: LossChart(series: losses, logScale: true), inspector: inspector)
        // The app's part: evaluate f on the grid the plane asks for.
        if let grid = Dashboard.fieldGridSize(for: model, width: width, height: height) {
            plane.field = ScalarField(columns: grid.columns, rows: grid.rows, xRange: xRange, yRange: yRange) { x, y in
                sin(x) * cos(y) + 0.1 * (x * x + y * y)
            }
            model.main = .plane(plane)
        }
        return model
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }
}
