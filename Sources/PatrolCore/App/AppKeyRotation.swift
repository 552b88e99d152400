import FoundationEssentials

/// `patrol rotate --app-key-file NEW.pem` (spec §10): the rules around rolling a new App private key out — which key
/// may replace which, and what the user must do by hand afterwards, since GitHub has no API to delete an App's key.
/// The rollout itself is ``AppRollout``.
package enum AppKeyRotation {
    /// Refuses the key the fleet holds already, unless `force` (which puts it everywhere again and retires nothing).
    package static func check(_ key: AppKeyFingerprint, ledger: AppKeyLedger, force: Bool) throws(AppKeyRotationError) {
        if !force, let current = ledger.currentKey, current.fingerprint == key { throw .sameKey(key) }
    }

    /// The App's settings page, where its private keys are listed and deleted: under the organization that owns the App,
    /// or the user's own settings. The owner's type comes from `GET /app`, else from the installation on the same account.
    package static func settingsPage(webRoot: String, app: AppFacts, installation: InstallationFacts?) -> String {
        let owner = app.owner ?? installation?.account
        let type = app.ownerType ?? (installation.flatMap { $0.account.lowercased() == owner?.lowercased() ? $0.accountType : nil })
        if let owner, type == "Organization" { return "\(webRoot)/organizations/\(owner)/settings/apps/\(app.slug)" }
        return "\(webRoot)/settings/apps/\(app.slug)"
    }

    /// What is left to do once the rollout ended, given the ledger after it: delete the old key when the whole fleet holds
    /// the new one, otherwise keep it until `--resume` finishes. `old` is the key current before the rotation.
    package static func advice(old: AppKeyRecord?, new: AppKeyFingerprint, after ledger: AppKeyLedger, settingsPage: String,
                               forced: Bool) -> Advice {
        guard ledger.currentKey?.fingerprint == new else {
            let keep = old.map { "keep the old key \($0.fingerprint) in the App's settings: " } ?? ""
            return Advice(deleteKey: nil, lines: [keep + "not every repository of the fleet holds the new key \(new) yet; "
                                                  + "run patrol rotate --app-key-file with it and --resume (or without --repos) to finish"])
        }
        if forced, old?.fingerprint == new {
            return Advice(deleteKey: nil, lines: ["every repository holds the key \(new) again; no key to delete"])
        }
        guard let old, old.fingerprint != new else {
            return Advice(deleteKey: nil, lines: [
                "every repository holds the key \(new); the ledger knows no earlier key of the fleet, so in the App's settings "
                    + "(\(settingsPage), Private keys) delete every key but \(new) that nothing else uses — GitHub has no API for that",
            ])
        }
        return Advice(deleteKey: old.fingerprint, lines: [
            "every repository holds the new key \(new); now delete the old key \(old.fingerprint) in the App's settings: "
                + "\(settingsPage) → Private keys → Delete beside \(old.fingerprint) (GitHub has no API for that). "
                + "Until then it still signs valid tokens",
        ])
    }

    /// The rotation's last words: the key to delete, if any, and what to tell the user.
    package struct Advice: Sendable, Equatable {
        package let deleteKey: AppKeyFingerprint?
        package let lines: [String]
    }
}

/// A rotation of the App's key refused before anything was sent (exit 2).
package enum AppKeyRotationError: Error, Equatable, CustomStringConvertible {
    /// The key given is the one the whole fleet holds already.
    case sameKey(AppKeyFingerprint)
    /// An option of the token's rotation that means nothing for an App key.
    case notForAppKey(option: String, reason: String)

    package var description: String {
        switch self {
        case .sameKey(let key):
            return "the key \(key) is the one every repository holds already, per the ledger: give the new key GitHub generated "
                + "(App settings → Private keys → Generate a private key) with --app-key-file, or add --force to put this one everywhere again"
        case .notForAppKey(let option, let reason):
            return "\(option) does not apply when rotating the App's private key (rotate --app-key-file without a token source): \(reason)"
        }
    }
}
