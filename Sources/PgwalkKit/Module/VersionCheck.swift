/// pgwalkctl's version and the stream format it reads, against the loaded
/// module's version and the format it writes (its info file). The format
/// version is the contract (docs/FORMAT.md section 8): the two agree when it
/// is the same, whatever their release numbers; a module writing a newer or
/// older format is named too new or too old, with both sides' versions.
public struct VersionCheck: Sendable, Equatable {
    /// pgwalkctl's version.
    public var toolVersion: String
    /// The stream format version pgwalkctl reads.
    public var readsFormat: Int
    /// The loaded module's version.
    public var moduleVersion: String
    /// The stream format the module writes (nil when its info file has none).
    public var moduleFormat: Int?

    /// A check of the given versions.
    public init(toolVersion: String = PgwalkKitVersion.string,
                readsFormat: Int = Int(StreamHeader.supportedVersion),
                moduleVersion: String, moduleFormat: Int?) {
        self.toolVersion = toolVersion
        self.readsFormat = readsFormat
        self.moduleVersion = moduleVersion
        self.moduleFormat = moduleFormat
    }

    /// A check of pgwalkctl against the module its info file describes.
    public init(info: ModuleInfo) {
        self.init(moduleVersion: info["module_version"] ?? "?", moduleFormat: info.formatVersion)
    }

    /// How the two compare.
    public enum Verdict: Sendable, Equatable {
        case agree
        case moduleTooNew
        case moduleTooOld
        /// The info file has no format_version: not a pgwalk module's.
        case unknown
    }

    /// How the two compare.
    public var verdict: Verdict {
        guard let moduleFormat else { return .unknown }
        if moduleFormat > readsFormat { return .moduleTooNew }
        if moduleFormat < readsFormat { return .moduleTooOld }
        return .agree
    }

    private var sides: String {
        "pgwalk module \(moduleVersion) writes stream format \(moduleFormat.map(String.init) ?? "?"), "
            + "pgwalkctl \(toolVersion) reads format \(readsFormat)"
    }

    /// What is wrong and what to do; nil when the versions agree.
    public var problem: String? {
        switch verdict {
        case .agree:
            return nil
        case .moduleTooNew:
            return "the loaded pgwalk module is too new for this pgwalkctl: \(sides). "
                + "Install the pgwalkctl of the module's release, or load the module of this one "
                + "('sudo make install' from its source, then 'sudo pgwalkctl unload; sudo pgwalkctl load')."
        case .moduleTooOld:
            return "the loaded pgwalk module is too old for this pgwalkctl: \(sides). "
                + "Load the module of this release ('sudo make install' from its source, then "
                + "'sudo pgwalkctl unload; sudo pgwalkctl load')."
        case .unknown:
            return "the loaded module's info file has no format_version: \(sides)."
        }
    }

    /// One line for `info`.
    public var summary: String {
        switch verdict {
        case .agree:
            return moduleVersion == toolVersion
                ? "agree (pgwalk \(toolVersion), format \(readsFormat))"
                : "agree on format \(readsFormat) (module \(moduleVersion), pgwalkctl \(toolVersion))"
        case .moduleTooNew: return "module too new: \(sides)"
        case .moduleTooOld: return "module too old: \(sides)"
        case .unknown: return "unknown: \(sides)"
        }
    }

    /// The ``ModuleError`` of kind ``ModuleError/Kind/versionMismatch`` that
    /// says how the versions differ; nil when they agree.
    public var mismatch: ModuleError? {
        verdict == .agree ? nil : ModuleError(kind: .versionMismatch, errno: nil, operation: "version check", versions: self)
    }

    /// Throws ``mismatch`` unless the versions agree.
    public func require() throws {
        if let mismatch { throw mismatch }
    }
}
