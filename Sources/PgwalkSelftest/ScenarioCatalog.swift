import PgwalkKit

/// A scenario of `pgwalk-scenario` the selftest runs, with what the
/// selftest sets up for it and the assertion it checks on the module's
/// view (docs/SCENARIOS.md section 3).
package struct ScenarioSpec: Sendable {
    package var name: String
    package var needs: [ScenarioNeed]
    /// Throws the failed assertion; returns a note for the report.
    package var check: @Sendable (ScenarioEvidence) throws(AssertionFailure) -> String?
    /// Walk the scenario's region on its own and time it (sparse).
    package var walksRegionAlone: String?
}

/// The scenarios the selftest runs: those `pgwalk-scenario --list` prints
/// (the table in Sources/pgwalk-scenario/main.c), in its order, less those
/// it marks "not a selftest scenario". ScenarioListTests checks that they
/// agree; adding a scenario: docs/SCENARIOS.md section 7.
package enum ScenarioCatalog {
    package static let all: [ScenarioSpec] = [
        spec("anon-4k", AnonymousAssertions.anon4k),
        spec("anon-shared", ProcessPairAssertions.anonShared),
        spec("file-tmpfs", FileAssertions.privateAndView),
        spec("file-disk", FileAssertions.privateAndView, needs: [.loopAndExt4]),
        spec("zero-4k", AnonymousAssertions.zero4k),
        spec("thp-pmd", HugePageAssertions.thpPMD, needs: [.thp(zeroPage: false)]),
        spec("thp-pte", HugePageAssertions.thpPTE, needs: [.thp(zeroPage: false)]),
        spec("huge-zero", HugePageAssertions.hugeZero, needs: [.thp(zeroPage: true)]),
        spec("mthp-64k", HugePageAssertions.multiSizeTHP, needs: [.mthp64K]),
        spec("shmem-thp", HugePageAssertions.shmemTHP, needs: [.thp(zeroPage: false), .shmemTHP]),
        spec("hugetlb-2m", HugePageAssertions.hugetlb2M, needs: [.hugetlb2M(2)]),
        spec("hugetlb-memfd", HugePageAssertions.hugetlb2M, needs: [.hugetlb2M(2)]),
        spec("hugetlb-1g", HugePageAssertions.hugetlb1G, needs: [.hugetlb1G]),
        spec("swap-4k", SwapAssertions.swap4K, needs: [.swap]),
        spec("swap-thp", SwapAssertions.swapTHP, needs: [.swap, .thp(zeroPage: false)]),
        spec("ksm", ProcessPairAssertions.ksm, needs: [.ksm]),
        spec("fork-cow", ProcessPairAssertions.forkCOW),
        spec("mremap-move", MappingAssertions.mremapMove),
        spec("mremap-thp", HugePageAssertions.mremapTHP, needs: [.thp(zeroPage: false)]),
        spec("prot-none", AnonymousAssertions.protNone),
        spec("dontneed", AnonymousAssertions.dontneed),
        spec("madv-free", AnonymousAssertions.madvFree),
        spec("mlock", AnonymousAssertions.mlock),
        spec("soft-dirty", AnonymousAssertions.softDirty),
        spec("uffd-wp", AnonymousAssertions.uffdWP),
        spec("guard-region", NewerKernelAssertions.guardRegion),
        spec("droppable", NewerKernelAssertions.droppable),
        spec("mseal", NewerKernelAssertions.mseal),
        spec("sparse", AnonymousAssertions.sparse, region: "sparse"),
        spec("high", AnonymousAssertions.high),
        spec("special", MappingAssertions.special),
        spec("pfnmap", MappingAssertions.pfnmap),
    ]

    package static func named(_ name: String) -> ScenarioSpec? { all.first { $0.name == name } }

    package static var names: [String] { all.map(\.name) }

    private static func spec(_ name: String, _ check: @escaping @Sendable (ScenarioEvidence) throws(AssertionFailure) -> String?,
                             needs: [ScenarioNeed] = [], region: String? = nil) -> ScenarioSpec {
        ScenarioSpec(name: name, needs: needs, check: check, walksRegionAlone: region)
    }
}
