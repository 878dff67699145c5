extension TestFunction {
    /// The tutorial's Example 1 function, gradlab's default landscape.
    ///
    /// Its minima in [0, 10]^2 were found numerically (40-digit Newton on the
    /// gradient from every grid minimum, Hessian checked positive definite;
    /// `Benchmarks/reference/find_function_minima.py`).
    public static let tutorial = TestFunction(
        name: "tutorial", aliases: ["default", "example1"],
        expression: "sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)",
        domain: [0, 10, 0, 10],
        minima: [SIMD2(4.411326395856935, 6.283185307179586)],
        localMinima: [
            SIMD2(1.6378338249998232, 3.5096927363224752), SIMD2(1.6378338249998232, 9.056677878036698),
            SIMD2(7.92101913217941, 2.7734925708571114), SIMD2(7.92101913217941, 9.792878043502062),
        ],
        minimumValue: -1.760172593046087,
        summary: "the tutorial's landscape: one global minimum at x2 = 2*pi and four local ones (f = -1.0646) in [0, 10]^2"
    )

    /// Every named function, the tutorial's first.
    public static let catalogue: [TestFunction] = [
        tutorial,
        TestFunction(
            name: "rosenbrock", aliases: ["banana"],
            expression: "(1 - x1)^2 + 100*(x2 - x1^2)^2",
            domain: [-2, 2, -1, 3],
            minima: [SIMD2(1, 1)], minimumValue: 0,
            summary: "a long curved valley: easy to reach, slow to follow to (1, 1)"
        ),
        TestFunction(
            name: "himmelblau",
            expression: "(x1^2 + x2 - 11)^2 + (x1 + x2^2 - 7)^2",
            domain: [-5, 5, -5, 5],
            minima: [
                SIMD2(3, 2), SIMD2(-2.805118086952745, 3.131312518250573),
                SIMD2(-3.779310253377747, -3.2831859912861696), SIMD2(3.5844283403304917, -1.8481265269644036),
            ],
            minimumValue: 0,
            summary: "four equal minima: which one a start point reaches shows the basins"
        ),
        TestFunction(
            name: "rastrigin",
            expression: "20 + x1^2 - 10*cos(2*pi*x1) + x2^2 - 10*cos(2*pi*x2)",
            domain: [-5.12, 5.12, -5.12, 5.12],
            minima: [SIMD2(0, 0)], minimumValue: 0,
            summary: "a bowl covered in a grid of local minima about 1 apart, which trap plain descent"
        ),
        TestFunction(
            name: "beale",
            expression: "(1.5 - x1 + x1*x2)^2 + (2.25 - x1 + x1*x2^2)^2 + (2.625 - x1 + x1*x2^3)^2",
            domain: [-4.5, 4.5, -4.5, 4.5],
            minima: [SIMD2(3, 0.5)], minimumValue: 0,
            summary: "flat plateaus and steep ridges toward the corners; the minimum sits in a narrow valley"
        ),
        TestFunction(
            name: "booth",
            expression: "(x1 + 2*x2 - 7)^2 + (2*x1 + x2 - 5)^2",
            domain: [-10, 10, -10, 10],
            minima: [SIMD2(1, 3)], minimumValue: 0,
            summary: "a tilted quadratic bowl: the easy case every optimizer should solve"
        ),
        TestFunction(
            name: "ackley",
            expression: "-20*exp(-0.2*sqrt(0.5*(x1^2 + x2^2))) - exp(0.5*(cos(2*pi*x1) + cos(2*pi*x2))) + e + 20",
            domain: [-5, 5, -5, 5],
            minima: [SIMD2(0, 0)], minimumValue: 0,
            summary: "a nearly flat, bumpy plain around one deep cone-shaped hole; its tip is a kink (gradient NaN there)",
            hasKinkAtMinimum: true
        ),
        TestFunction(
            name: "goldstein-price", aliases: ["goldstein", "goldsteinprice"],
            expression: "(1 + (x1 + x2 + 1)^2*(19 - 14*x1 + 3*x1^2 - 14*x2 + 6*x1*x2 + 3*x2^2))"
                + "*(30 + (2*x1 - 3*x2)^2*(18 - 32*x1 + 12*x1^2 + 48*x2 - 36*x1*x2 + 27*x2^2))",
            domain: [-2, 2, -2, 2],
            minima: [SIMD2(0, -1)],
            localMinima: [SIMD2(-0.6, -0.4), SIMD2(1.8, 0.2), SIMD2(1.2, 0.8)],
            minimumValue: 3,
            summary: "values from 3 to about 1e6: gradients span orders of magnitude; local minima at f = 30, 84, 840"
        ),
        TestFunction(
            name: "six-hump-camel", aliases: ["sixhump", "camel", "six-hump-camel-back", "camel6"],
            // x1^2*x1^2, not x1^4: exponent 4 has no multiply fast path, and
            // GradlabMath's pow of a negative base is NaN until it uses C pow.
            expression: "(4 - 2.1*x1^2 + x1^2*x1^2/3)*x1^2 + x1*x2 + (-4 + 4*x2^2)*x2^2",
            domain: [-3, 3, -2, 2],
            minima: [SIMD2(0.08984201310031806, -0.7126564030207396), SIMD2(-0.08984201310031806, 0.7126564030207396)],
            localMinima: [
                SIMD2(-1.703606714969981, 0.7960835686726251), SIMD2(1.703606714969981, -0.7960835686726251),
                SIMD2(-1.6071047529201972, -0.5686514548841314), SIMD2(1.6071047529201972, 0.5686514548841314),
            ],
            minimumValue: -1.0316284534898774,
            summary: "six minima, two of them global and symmetric about the origin"
        ),
        TestFunction(
            name: "saddle",
            expression: "x1^2 - x2^2",
            domain: [-2, 2, -2, 2],
            minima: [], minimumValue: nil,
            summary: "no minimum: a saddle point at (0, 0), unbounded below along x2; points on x2 = 0 stall there"
        ),
    ]
}
