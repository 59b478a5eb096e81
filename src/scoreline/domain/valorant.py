"""Valorant reference data: agent names by Riot `characterId`, weapon names by uuid."""

from __future__ import annotations

SAGE = "569fdd95-4d10-43ab-ca70-79becc718b46"

VALORANT_AGENTS: dict[str, str] = {
    "41fb69c1-4189-7b37-f117-bcaf1e96f1bf": "Astra",
    "5f8d3a7f-467b-97f3-062c-13acf203c006": "Breach",
    "9f0d8ba9-4140-b941-57d3-a7ad57c6b417": "Brimstone",
    "22697a3d-45bf-8dd7-4fec-84a9e28c69d7": "Chamber",
    "1dbf2edd-4729-0984-3115-daa5eed44993": "Clove",
    "117ed9e3-49f3-6512-3ccf-0cada7e3823b": "Cypher",
    "cc8b64c8-4b25-4ff9-6e7f-37b4da43d235": "Deadlock",
    "dade69b4-4f5a-8528-247b-219e5a1facd6": "Fade",
    "e370fa57-4757-3604-3648-499e1f642d3f": "Gekko",
    "95b78ed7-4637-86d9-7e41-71ba8c293152": "Harbor",
    "0e38b510-41a8-5780-5e8f-568b2a4f2d6c": "Iso",
    "add6443a-41bd-e414-f6ad-e58d267f4e95": "Jett",
    "601dbbe7-43ce-be57-2a40-4abd24953621": "KAY/O",
    "1e58de9c-4950-5125-93e9-a0aee9f98746": "Killjoy",
    "bb2a4828-46eb-8cd1-e765-15848195d751": "Neon",
    "8e253930-4c05-31dd-1b6c-968525494517": "Omen",
    "eb93336a-449b-9c1b-0a54-a891f7921d69": "Phoenix",
    "f94c3b30-42be-e959-889c-5aa313dba261": "Raze",
    "a3bfb853-43b2-7238-a4f1-ad90e9e46bcc": "Reyna",
    SAGE: "Sage",
    "6f2a04ca-43e0-be17-7f36-b3908627744d": "Skye",
    "320b2a48-4d9b-a075-30f1-1f93a9b638fa": "Sova",
    "707eab51-4836-f488-046a-cda6bf494859": "Viper",
    "7f94d92c-4234-0a36-9646-3a87eb8b5c89": "Yoru",
}

# Weapon names by Riot `damageItem` / `finishingDamage.damageItem` uuid (the sources write
# them in upper case); ability slots (Ability1, Ultimate ...) and Melee are already words.
VALORANT_WEAPONS: dict[str, str] = {
    "29A0CFAB-485B-F5D5-779A-B59F85E204A8": "Classic",
    "42DA8CCC-40D5-AFFC-BEEC-15AA47B42EDA": "Shorty",
    "44D4E95C-4157-0037-81B2-17841BF2E8E3": "Frenzy",
    "1BAA85B4-4C70-1284-64BB-6481DFC3BB4E": "Ghost",
    "E336C6B8-418D-9340-D77F-7A9E4CFE0702": "Sheriff",
    "F7E1B454-4AD4-1063-EC0A-159E56B58941": "Stinger",
    "462080D1-4035-2937-7C09-27AA2A5C27A7": "Spectre",
    "910BE174-449B-C412-AB22-D0873436B21B": "Bucky",
    "EC845BF4-4F79-DDDA-A3DA-0DB3774B2794": "Judge",
    "AE3DE142-4D85-2547-DD26-4E90BED35CF7": "Bulldog",
    "4ADE7FAA-4CF1-8376-95EF-39884480959B": "Guardian",
    "EE8E8D15-496B-07AC-E5F6-8FAE5D4C7B1A": "Phantom",
    "9C82E19D-4575-0200-1A81-3EACF00CF872": "Vandal",
    "C4883E50-4494-202C-3EC3-6B8A9284F00B": "Marshal",
    "5F0AAF7A-4289-3998-D5FF-EB9A5CF7EF5C": "Outlaw",
    "A03B24D3-4319-996D-0F8C-94BBFBA1DFC7": "Operator",
    "55D8A0F4-4274-CA67-FE2C-06AB45EFDF58": "Ares",
    "63E6C2B6-4A8E-869C-3D4C-E38355226584": "Odin",
    "2F59173C-4BED-B6C3-2191-DEA9B58BE9C7": "Melee",
}
