#!/usr/bin/env bash
# Release rehearsal: everything a release to Maven Central does, except the upload.
#
#   bash scripts/release-rehearsal.sh            # rehearses version X.Y.Z for the current X.Y.Z-SNAPSHOT
#   RELEASE_VERSION=1.2.3 bash scripts/release-rehearsal.sh
#
# 1. copies the committed tree (git archive HEAD: what a release tag builds) and sets the release version;
# 2. generates a throwaway GPG key in a private GNUPGHOME (never the user's keyring);
# 3. runs the release build of the published modules (-Prelease: sources and javadoc jars, gpg signatures)
#    and deploys it to a local staging directory (a real release adds -Pcentral, which uploads instead);
# 4. checks the staged artifacts against Maven Central's requirements (scripts/release/ValidateStaging.java):
#    exactly the published modules, POM metadata, sources/javadoc jars, signatures that verify, checksums.
# Exits non-zero on the first failing step; the work directory is kept on failure for inspection.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

snapshot=$(sed -n 's|^  <version>\(.*-SNAPSHOT\)</version>|\1|p' pom.xml | head -1)
[ -n "$snapshot" ] || { echo "release-rehearsal: the root pom.xml has no X.Y.Z-SNAPSHOT version" >&2; exit 1; }
version=${RELEASE_VERSION:-${snapshot%-SNAPSHOT}}
work=$(mktemp -d -t adx-release-rehearsal-XXXXXX)
keep=1
trap '[ "$keep" = 0 ] && rm -rf "$work" || echo "release-rehearsal: work directory kept: $work" >&2' EXIT

echo "release-rehearsal: $snapshot -> $version in $work"
mkdir -p "$work/src" "$work/gnupg"
chmod 700 "$work/gnupg"
git archive HEAD | tar -x -C "$work/src"
find "$work/src" -name pom.xml -exec sed -i "s|<version>$snapshot</version>|<version>$version</version>|g" {} +

export GNUPGHOME="$work/gnupg"
gpg --batch --quiet --passphrase '' --quick-gen-key \
    "ADX Core release rehearsal (throwaway) <release-rehearsal@example.invalid>" ed25519 sign 1d
fingerprint=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr/ {print $10; exit}')
echo "release-rehearsal: throwaway key $fingerprint"

# The published modules: a .published marker, plus the parent POM (every module's parent) and the BOM.
published=(platform-parent)
for marker in "$work"/src/*/.published; do
  module=$(dirname "$marker")
  published+=("$(sed -n 's|^  <artifactId>\(.*\)</artifactId>|\1|p' "$module/pom.xml" | head -1)")
done
published+=(platform-bom)

staging="$work/staging"
modules=$(printf '%s\n' "$work"/src/*/.published | xargs -n1 dirname | xargs -n1 basename | paste -sd, -)
(cd "$work/src" && ./mvnw -B -q -Prelease deploy -pl "$modules,platform-bom" -am -DskipTests -Dinvoker.skip=true \
    -Dgpg.keyname="$fingerprint" -DaltDeploymentRepository="rehearsal::file://$staging")

java "$root/scripts/release/ValidateStaging.java" "$staging" dev.adxcore "$version" "${published[@]}"
keep=0
