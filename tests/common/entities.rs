//! The fixture of the entity timelines (issue 16 point 4), shared by their build and
//! browser tests.

use super::TestSite;

/// A person with two statements, an organisation with dated relations, events and an
/// undated note linking to a place.
pub fn fixture() -> TestSite {
    TestSite::with_files(&[
        (
            "content/people/ann.md",
            "---\ntitle: Ann Speaker\n---\nAnn.\n",
        ),
        (
            "content/statements/late.md",
            "---\ntitle: Ann on the harbour\ndate: 2021-05-01\nspeaker: \"[[Ann Speaker]]\"\n---\nShe said so.\n",
        ),
        (
            "content/statements/early.md",
            "---\ntitle: Ann on the bridge\ndate: 2020-03\nspeaker: Ann Speaker\ntags: [roads]\n---\nShe said it first.\n",
        ),
        (
            "content/organizations/port-authority.md",
            "---\ntitle: Port Authority\nsources:\n  - {id: reg, title: The register}\nrelations:\n  - {type: located_in, to: \"[[Harbour Town]]\", from: 2019-06, sources: [reg]}\n  - {type: part_of, to: \"[[Coast League]]\", from: 2018, until: 2022}\n---\nAn authority.\n",
        ),
        (
            "content/organizations/coast-league.md",
            "---\ntitle: Coast League\n---\nA league.\n",
        ),
        (
            "content/places/harbour-town.md",
            "---\ntitle: Harbour Town\n---\nA town.\n",
        ),
        (
            "content/events/opening.md",
            "---\ntitle: Opening of the pier\ndate: 2022-01-10\ntags: [roads]\n---\nAt [[Harbour Town]].\n",
        ),
        (
            "content/events/storm.md",
            "---\ntitle: The great storm\ndate: 2021\n---\nIt hit [[Harbour Town]].\n",
        ),
        (
            "content/topics/guide.md",
            "---\ntitle: A guide\ntags: [roads, guides]\n---\nAbout [[Harbour Town]].\n",
        ),
    ])
}

/// The files of the positions fixture (issue 16 point 3): a topic, a treaty with three
/// parties, two ministers who speak for two governments, a reporter with no entry, and
/// statements about the topic and the treaty, some answering others.
pub const POSITIONS: &[(&str, &str)] = &[
    (
        "content/topics/road.md",
        "---\ntitle: Lachin road\n---\nThe road.\n",
    ),
    (
        "content/documents/treaty.md",
        "---\ntitle: Road treaty\nkind: document\n---\nThe treaty.\n",
    ),
    (
        "content/organizations/northland.md",
        "---\ntitle: Northland government\nrelations:\n  - {type: party_to, to: \"[[Road treaty]]\"}\n---\nNorth.\n",
    ),
    (
        "content/organizations/southland.md",
        "---\ntitle: Southland government\nrelations:\n  - {type: party_to, to: \"[[Road treaty]]\"}\n---\nSouth.\n",
    ),
    (
        "content/organizations/westland.md",
        "---\ntitle: Westland government\nrelations:\n  - {type: signatory_of, to: \"[[Road treaty]]\"}\n---\nWest.\n",
    ),
    (
        "content/organizations/eastland.md",
        "---\ntitle: Eastland government\n---\nEast.\n",
    ),
    (
        "content/people/ann.md",
        "---\ntitle: Ann Minister\nrelations:\n  - {type: represents, to: \"[[Northland government]]\", from: 2019}\n---\nAnn.\n",
    ),
    (
        "content/people/bo.md",
        "---\ntitle: Bo Envoy\nrelations:\n  - {type: member_of, to: \"[[Southland government]]\"}\n---\nBo.\n",
    ),
    (
        "content/statements/ann-opening.md",
        "---\ntitle: Ann on the opening\ndate: 2021-01-10\nspeaker: \"[[Ann Minister]]\"\nsummary: The road is open.\nabout: [\"[[Lachin road]]\", \"[[Road treaty]]\"]\n---\nShe said.\n",
    ),
    (
        "content/statements/bo-reply.md",
        "---\ntitle: Bo replies\ndate: 2021-01-12\nspeaker: \"[[Bo Envoy]]\"\nsummary: It is not.\nabout: \"[[Lachin road]]\"\nresponds_to: \"[[Ann on the opening]]\"\n---\nHe said.\n",
    ),
    (
        "content/statements/ann-answers.md",
        "---\ntitle: Ann answers Bo\ndate: 2021-01-15\nspeaker: Ann Minister\nresponds_to: [\"[[Bo replies]]\"]\n---\nShe said again.\n",
    ),
    (
        "content/statements/bo-later.md",
        "---\ntitle: Bo on the checkpoints\ndate: 2021-02-01\nspeaker: \"[[Bo Envoy]]\"\nabout:\n  - Lachin road\n---\nHe said later.\n",
    ),
    (
        "content/statements/cara.md",
        "---\ntitle: Cara on the traffic\ndate: 2021-03-01\nspeaker: Cara Reporter\nabout: [\"[[Lachin road]]\", \"[[Eastland government]]\"]\n---\nShe reported.\n",
    ),
];

/// The positions fixture as a site.
pub fn positions() -> TestSite {
    TestSite::with_files(POSITIONS)
}
