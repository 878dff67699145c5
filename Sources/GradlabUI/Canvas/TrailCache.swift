import Foundation

/// Rasterized trajectories kept between frames, so a frame draws only the
/// points added since the last one.
///
/// Trajectories grow by a few points an epoch while their history stays put;
/// re-rasterizing a thousand trails of thousands of points every frame is
/// most of a frame's cost. Give a ``ParameterPlane`` the same cache every
/// frame and it draws each trajectory's new tail onto the kept canvas. It
/// starts over by itself when anything else changes: plot size, ranges,
/// glyphs, colours, the number of trajectories, the selection, or a
/// trajectory that got shorter or whose last drawn point moved (a reset).
///
/// One difference from a fresh drawing: a cell's colour is that of the
/// newest points drawn into it, rather than of the last trajectory in order.
public final class TrailCache: @unchecked Sendable {
    // @unchecked: all state is read and written under `lock`.
    private let lock = NSLock()
    private var canvas: BrailleCanvas?
    private var key: Key?
    private var drawnCounts: [Int] = []
    private var lastDrawn: [SIMD2<Double>] = []

    private struct Key: Equatable {
        var width: Int
        var height: Int
        var glyphs: GlyphSet
        var xRange: ClosedRange<Double>
        var yRange: ClosedRange<Double>
        var colors: [Color]
        var selected: Int?
    }

    public init() {}

    /// Forgets everything; the next frame draws every point again.
    public func invalidate() {
        lock.lock()
        defer { lock.unlock() }
        canvas = nil
        key = nil
    }

    /// `blank` with every trajectory except `selected` drawn on it, reusing
    /// what earlier calls drew when only new points were added.
    func canvas(drawing trajectories: [Trajectory], colors: [Color], selected: Int?,
                on blank: BrailleCanvas) -> BrailleCanvas {
        lock.lock()
        defer { lock.unlock() }
        let newKey = Key(width: blank.width, height: blank.height, glyphs: blank.glyphs, xRange: blank.xRange,
                         yRange: blank.yRange, colors: colors, selected: selected)
        if var kept = canvas, key == newKey, onlyGrew(trajectories) {
            for (index, trajectory) in trajectories.enumerated() where index != selected {
                let drawn = drawnCounts[index]
                guard trajectory.points.count > drawn else { continue }
                // Start from the last drawn point so the new tail joins the old line.
                kept.plotPath(trajectory.points[max(0, drawn - 1)...], color: colors[index])
            }
            remember(trajectories)
            canvas = kept
            return kept
        }
        var fresh = blank
        fresh.plotPaths(trajectories.indices.compactMap { index in
            index == selected ? nil : (trajectories[index].points, colors[index])
        })
        key = newKey
        remember(trajectories)
        canvas = fresh
        return fresh
    }

    /// True when every trajectory still starts with the points drawn before.
    private func onlyGrew(_ trajectories: [Trajectory]) -> Bool {
        guard trajectories.count == drawnCounts.count else { return false }
        for (index, trajectory) in trajectories.enumerated() {
            let drawn = drawnCounts[index]
            if trajectory.points.count < drawn { return false }
            if drawn > 0 {
                let was = lastDrawn[index], now = trajectory.points[drawn - 1]
                // Bitwise, so a NaN that stayed NaN counts as unchanged.
                if was.x.bitPattern != now.x.bitPattern || was.y.bitPattern != now.y.bitPattern { return false }
            }
        }
        return true
    }

    private func remember(_ trajectories: [Trajectory]) {
        drawnCounts = trajectories.map(\.points.count)
        lastDrawn = trajectories.map { $0.points.last ?? .zero }
    }
}
