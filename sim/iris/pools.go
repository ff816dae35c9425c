package irissim

// Common values shared by many domains across clusters: registrars, ISPs,
// DNS and mail providers, privacy services, certificate issuers. They give
// the large guided-pivot counts (and the over-cap searches) of real data.

type registrarInfo struct {
	name, abuse string
	weight      int
	privacy     int // index into privacyProfiles, -1 = none
	ns          int // preferred index into nsProviders
}

var registrars = []registrarInfo{
	{"GoDaddy.com, LLC", "abuse@godaddy.com", 26, 1, 0},
	{"NAMECHEAP INC", "abuse@namecheap.com", 16, 0, 1},
	{"Tucows Domains Inc.", "domainabuse@tucows.com", 8, 2, 2},
	{"PDR Ltd. d/b/a PublicDomainRegistry.com", "abuse-contact@publicdomainregistry.com", 7, 2, 3},
	{"MarkMonitor Inc.", "abusecomplaints@markmonitor.com", 4, -1, 4},
	{"eNom, LLC", "abuse@enom.com", 5, 2, 2},
	{"Gandi SAS", "abuse@support.gandi.net", 3, 2, 2},
	{"NameSilo, LLC", "abuse@namesilo.com", 6, 3, 5},
	{"Alibaba Cloud Computing (Beijing) Co., Ltd.", "domainabuse@service.aliyun.com", 5, 2, 6},
	{"REG.RU LLC", "abuse@reg.ru", 4, 2, 7},
	{"Porkbun LLC", "abuse@porkbun.com", 5, 2, 2},
	{"Dynadot LLC", "abuse@dynadot.com", 4, 3, 2},
	{"Hostinger, UAB", "abuse-tracker@hostinger.com", 4, 2, 8},
	{"OVH sas", "abuse@ovh.net", 3, 2, 9},
}

// privacyProfiles are WHOIS privacy services; the e-mail is unique per
// domain (local part derived from the domain) unless empty.
var privacyProfiles = []contact{
	{Name: "REDACTED FOR PRIVACY", Org: "Privacy service provided by Withheld for Privacy ehf", Street: "Kalkofnsvegur 2",
		City: "Reykjavik", State: "Capital Region", Postal: "101", Country: "is", Phone: "3544212434",
		Emails: []string{"@withheldforprivacy.com"}},
	{Name: "Registration Private", Org: "Domains By Proxy, LLC", Street: "DomainsByProxy.com 2155 E Warner Rd",
		City: "Tempe", State: "Arizona", Postal: "85284", Country: "us", Phone: "14806242599",
		Emails: []string{"@domainsbyproxy.com"}},
	{Name: "REDACTED FOR PRIVACY", Street: "REDACTED FOR PRIVACY", City: "REDACTED FOR PRIVACY",
		State: "", Postal: "REDACTED FOR PRIVACY", Country: "", Phone: "REDACTED FOR PRIVACY"},
	{Name: "Domain Administrator", Org: "See PrivacyGuardian.org", Street: "1928 E. Highland Ave. Ste F104 PMB# 255",
		City: "Phoenix", State: "AZ", Postal: "85016", Country: "us", Phone: "13478717726",
		Emails: []string{"@privacyguardian.org"}},
}

type ispInfo struct {
	name    string
	asn     int
	country string
	prefix  [2]byte
	weight  int
}

var isps = []ispInfo{
	{"Cloudflare, Inc.", 13335, "us", [2]byte{104, 21}, 22},
	{"Amazon.com Inc.", 16509, "us", [2]byte{52, 84}, 18},
	{"Google LLC", 15169, "us", [2]byte{34, 102}, 8},
	{"DigitalOcean, LLC", 14061, "us", [2]byte{167, 99}, 8},
	{"Hetzner Online GmbH", 24940, "de", [2]byte{88, 198}, 7},
	{"OVH SAS", 16276, "fr", [2]byte{51, 91}, 6},
	{"Alibaba (US) Technology Co., Ltd.", 45102, "cn", [2]byte{47, 88}, 5},
	{"Namecheap, Inc.", 22612, "us", [2]byte{198, 54}, 6},
	{"GoDaddy.com, LLC", 26496, "us", [2]byte{160, 153}, 7},
	{"Hostinger International Limited", 47583, "lt", [2]byte{185, 224}, 4},
	{"Choopa, LLC", 20473, "us", [2]byte{45, 77}, 4},
	{"Timeweb Ltd.", 9123, "ru", [2]byte{92, 53}, 3},
	{"Viettel Group", 7552, "vn", [2]byte{125, 212}, 2},
}

type nsProvider struct {
	domain string
	hosts  []string // pairs are drawn from this list
	soa    string
	prefix [2]byte
}

var cfNames = []string{"adam", "alice", "amir", "anna", "bob", "cass", "chad", "dana", "elle", "fred",
	"gina", "hugo", "ivy", "jack", "kate", "leo", "mia", "nash", "olga", "pete", "rosa", "sam", "tina", "uma", "vic", "will"}

var nsProviders = func() []nsProvider {
	dc := make([]string, 0, 40)
	for i := 1; i <= 40; i++ {
		dc = append(dc, sprintf("ns%02d.domaincontrol.com", i))
	}
	cf := make([]string, 0, len(cfNames))
	for _, n := range cfNames {
		cf = append(cf, n+".ns.cloudflare.com")
	}
	return []nsProvider{
		{"domaincontrol.com", dc, "dns@jomax.net", [2]byte{97, 74}},
		{"registrar-servers.com", []string{"dns1.registrar-servers.com", "dns2.registrar-servers.com", "dns101.registrar-servers.com", "dns102.registrar-servers.com"}, "hostmaster@registrar-servers.com", [2]byte{156, 154}},
		{"cloudflare.com", cf, "dns@cloudflare.com", [2]byte{173, 245}},
		{"dnspod.net", []string{"f1g1ns1.dnspod.net", "f1g1ns2.dnspod.net"}, "enterprise3dnsadmin@dnspod.com", [2]byte{119, 28}},
		{"markmonitor.com", []string{"ns1.markmonitor.com", "ns2.markmonitor.com"}, "hostmaster@markmonitor.com", [2]byte{64, 124}},
		{"dnsowl.com", []string{"ns1.dnsowl.com", "ns2.dnsowl.com", "ns3.dnsowl.com"}, "hostmaster@dnsowl.com", [2]byte{162, 159}},
		{"alidns.com", []string{"dns1.hichina.com", "dns2.hichina.com"}, "hostmaster@hichina.com", [2]byte{106, 11}},
		{"reg.ru", []string{"ns1.reg.ru", "ns2.reg.ru"}, "support@reg.ru", [2]byte{194, 58}},
		{"dns-parking.com", []string{"ns1.dns-parking.com", "ns2.dns-parking.com"}, "dns@hostinger.com", [2]byte{162, 159}},
		{"ovh.net", []string{"dns10.ovh.net", "ns10.ovh.net", "dns200.anycast.me", "ns200.anycast.me"}, "tech@ovh.net", [2]byte{213, 251}},
	}
}()

type mxProvider struct {
	domain string
	hosts  []string // "" host = per-domain host built by perDomain
	ips    []string
	spf    string
}

var mxProviders = []mxProvider{
	{"google.com", []string{"aspmx.l.google.com", "alt1.aspmx.l.google.com"}, []string{"142.250.153.26", "142.250.153.27"}, "v=spf1 include:_spf.google.com ~all"},
	{"outlook.com", []string{""}, []string{"52.101.68.13", "52.101.68.14", "52.101.73.4", "52.101.11.0"}, "v=spf1 include:spf.protection.outlook.com -all"},
	{"privateemail.com", []string{"mx1.privateemail.com", "mx2.privateemail.com"}, []string{"198.54.122.60"}, "v=spf1 include:spf.privateemail.com ~all"},
	{"yandex.net", []string{"mx.yandex.net"}, []string{"77.88.21.249"}, "v=spf1 redirect=_spf.yandex.net"},
	{"zoho.com", []string{"mx.zoho.com", "mx2.zoho.com"}, []string{"204.141.33.44", "204.141.32.44"}, "v=spf1 include:zoho.com ~all"},
}

type issuerInfo struct {
	cn       string
	duration int
	weight   int
}

var issuers = []issuerInfo{
	{"R3", 90, 18}, {"R10", 90, 14}, {"R11", 90, 14}, {"E5", 90, 6}, {"Let's Encrypt Authority X3", 90, 4},
	{"Sectigo RSA Domain Validation Secure Server CA", 365, 8}, {"Cloudflare Inc ECC CA-3", 365, 10},
	{"GTS CA 1P5", 90, 6}, {"Amazon RSA 2048 M02", 395, 8}, {"GoGetSSL RSA DV CA", 365, 3},
}

var tldWeights = []struct {
	tld    string
	weight int
}{
	{"com", 48}, {"net", 8}, {"org", 6}, {"info", 4}, {"xyz", 4}, {"top", 3}, {"online", 3}, {"site", 3},
	{"shop", 2}, {"io", 2}, {"co", 2}, {"ru", 3}, {"cn", 2}, {"de", 2}, {"vn", 1}, {"blog", 1}, {"app", 2},
	{"live", 1}, {"club", 1},
}

var serverTypes = []string{"nginx", "Apache", "cloudflare", "LiteSpeed", "Microsoft-IIS/10.0", "openresty", "AmazonS3", "gws"}

var commonTitles = []string{"Index of /", "Welcome to nginx!", "Domain for sale", "Coming Soon", "403 Forbidden",
	"Parked Domain", "Just another WordPress site", "Default Web Site Page", "Account Suspended"}

var cities = []struct{ city, state, postal, country, phone string }{
	{"Seattle", "WA", "98121", "us", "12065551234"}, {"Austin", "TX", "78701", "us", "15125550199"},
	{"London", "Greater London", "EC1A 1BB", "gb", "442079460000"}, {"Berlin", "Berlin", "10115", "de", "49305550100"},
	{"Moscow", "Moscow", "101000", "ru", "74955550100"}, {"Shenzhen", "Guangdong", "518000", "cn", "8675555501000"},
	{"Hanoi", "Ha Noi", "100000", "vn", "84245550100"}, {"Toronto", "ON", "M5H 2N2", "ca", "14165550100"},
	{"Lagos", "Lagos", "100001", "ng", "23415550100"}, {"Sao Paulo", "SP", "01000-000", "br", "551155550100"},
}

var firstNames = []string{"James", "Mary", "Wei", "Olga", "Ahmed", "Carlos", "Anna", "Ivan", "Li", "Sarah", "Minh", "John", "Fatima", "Peter", "Yuki"}
var lastNames = []string{"Smith", "Ivanov", "Wang", "Nguyen", "Garcia", "Mueller", "Okafor", "Silva", "Kim", "Brown", "Petrov", "Chen", "Tanaka", "Khan", "Rossi"}

var adjectives = []string{"blue", "red", "green", "quick", "bright", "silent", "happy", "wild", "golden", "silver",
	"north", "south", "east", "west", "smart", "prime", "urban", "royal", "cosmic", "lucky", "fresh", "clear",
	"solid", "rapid", "secure", "global", "local", "digital", "modern", "classic", "hidden", "open", "little",
	"big", "sunny", "misty", "crystal", "iron", "noble", "swift", "true", "pure", "bold", "calm", "dark", "deep",
	"fair", "fine", "grand", "keen", "lone", "neat", "odd", "pale", "rare", "rich", "safe", "warm", "wise", "young",
	"alpha", "beta", "delta", "omega", "hyper", "mega", "micro", "nano", "ultra", "super", "turbo", "eco", "smart",
	"best", "top", "first", "next", "new", "old", "cool", "hot", "easy", "magic", "epic", "vivid", "zen"}

var nouns = []string{"river", "stone", "cloud", "forest", "harbor", "market", "garden", "bridge", "tower", "valley",
	"falcon", "tiger", "panda", "eagle", "wolf", "fox", "otter", "raven", "shark", "whale", "pixel", "byte", "code",
	"data", "node", "stack", "wave", "spark", "flame", "frost", "storm", "light", "shadow", "moon", "star", "sun",
	"planet", "rocket", "orbit", "comet", "shop", "store", "deals", "travel", "media", "news", "health", "fitness",
	"foods", "coffee", "pizza", "bakery", "books", "music", "games", "sports", "design", "studio", "labs", "works",
	"group", "partners", "capital", "finance", "bank", "loans", "crypto", "coin", "wallet", "trade", "invest",
	"homes", "realty", "builders", "motors", "auto", "bikes", "pets", "vet", "clinic", "care", "dental", "law",
	"legal", "consult", "agency", "hub", "zone", "point", "place", "spot", "world", "land", "city", "town", "island",
	"coast", "beach", "lake", "hill", "peak", "ridge", "trail", "path", "road", "gate", "door", "key", "lock",
	"guard", "shield", "vault", "cart", "box", "pack", "gear", "tools", "parts", "supply", "direct", "online", "web",
	"net", "cloudy", "mail", "chat", "talk", "live", "tv", "radio", "film", "photo", "art", "craft", "fashion", "style"}

var brands = []string{"paypal", "apple", "icloud", "microsoft", "office365", "chase", "wellsfargo", "bankofamerica",
	"amazon", "netflix", "dhl", "fedex", "usps", "coinbase", "binance", "metamask", "outlook", "adobe", "docusign",
	"linkedin", "facebook", "instagram", "steam", "citi", "suntrust", "usbank", "capitalone", "equifax"}

var lureWords = []string{"login", "secure", "verify", "account", "support", "update", "signin", "auth", "billing",
	"recovery", "alert", "service", "help", "confirm", "portal", "wallet", "pay", "id", "asia", "online"}

var threatTags = [][]string{{"phishing"}, {"phishing", "credential-harvesting"}, {"malware"}, {"malware", "apt29"},
	{"malware", "fin7"}, {"spam"}, {"c2", "apt28"}, {"blocklist"}}
