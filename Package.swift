// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "gradlab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gradlab", targets: ["gradlab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // MARK: - C shims

        /// ncursesw, wide-character API. Debian: libncursesw5-dev.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),

        // MARK: - Math

        /// The expression language, reverse-mode autodiff, straight-line
        /// Programs, and their CPU executors (scalar reference and SIMD).
        .target(
            name: "GradlabMath",
            dependencies: [
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),

        // MARK: - Engine

        /// Optimizers, labs, data loading, the Session actor, and run files.
        /// No terminal code.
        .target(
            name: "GradlabCore",
            dependencies: [
                "GradlabMath",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),

        // MARK: - Terminal UI

        /// Cell screen, braille canvas, widgets, themes, keymap, ncurses backend.
        .target(
            name: "GradlabUI",
            dependencies: ["CNcurses"]
        ),

        // MARK: - Command line

        .executableTarget(
            name: "gradlab",
            dependencies: [
                "GradlabMath", "GradlabCore", "GradlabUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tests

        /// Fixture loading shared by the test targets (reference numbers from
        /// NumPy/PyTorch/scikit-learn, copied into Tests/Fixtures).
        .target(name: "GradlabTestSupport", path: "Tests/Support"),

        .testTarget(
            name: "GradlabMathTests",
            dependencies: ["GradlabMath"]
        ),
        .testTarget(
            name: "GradlabCoreTests",
            dependencies: ["GradlabCore", "GradlabTestSupport"]
        ),
        .testTarget(
            name: "GradlabUITests",
            dependencies: ["GradlabUI"],
            resources: [.copy("Snapshots")]
        ),
        .testTarget(
            name: "GradlabCLITests",
            dependencies: ["GradlabCore", "GradlabTestSupport", "gradlab"],
            exclude: ["Snapshots"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
