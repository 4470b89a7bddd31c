package entities

import (
	"strings"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// The word lists below are written for English news copy. Names are listed as
// they are written; "Canonical=Alias=Alias" gives other written forms.

// placeNames are countries, territories, regions and major cities.
const placeNames = `Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|Azerbaijan|
Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia and Herzegovina=Bosnia|Botswana|
Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|Cape Verde|Central African Republic|Chad|Chile|China|
Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic=Czechia|Democratic Republic of Congo=DR Congo|
Denmark|Djibouti|Dominica|Dominican Republic|East Timor=Timor-Leste|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|
Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|
Guinea-Bissau|Guyana|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|
Japan|Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|
Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|
Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar=Burma|Namibia|Nauru|Nepal|Netherlands=Holland|
New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|
Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|Russia=Russian Federation|Rwanda|Samoa|
San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|
South Africa|South Korea|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|
Thailand|Togo|Tonga|Trinidad and Tobago|Tunisia|Turkey=Turkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates=UAE|United Kingdom=UK=U.K.=Britain=Great Britain|United States=U.S.=US=USA=U.S.A.=America|
Uruguay|Uzbekistan|Vanuatu|Vatican|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe|
Europe|Asia|Africa|North America|South America|Latin America|Middle East|Arctic|Antarctica|Balkans|Baltics|Caucasus|
Scandinavia|Siberia|Crimea|Donbas=Donbass|Gaza=Gaza Strip|West Bank|Kashmir|Tibet|Xinjiang|Hong Kong|Macau|Kurdistan|
Chechnya|Transnistria|Abkhazia|Kaliningrad|Greenland|Sahel|Darfur|Donetsk|Luhansk|Zaporizhzhia|Kherson|Kharkiv|Odesa=Odessa|
Lviv|Dnipro|Mariupol|Bakhmut|Sumy|Kursk|Belgorod|Bryansk|Black Sea|Baltic Sea|Red Sea|Mediterranean|Pacific|Atlantic|
Moscow|Kyiv=Kiev|Washington|London|Paris|Berlin|Beijing|Tokyo|Brussels|Rome|Madrid|Vienna|Warsaw|Prague|Budapest|
Bucharest|Sofia|Athens|Ankara|Istanbul|Tehran|Baghdad|Damascus|Beirut|Jerusalem|Tel Aviv|Cairo|Riyadh|Doha|Dubai|
Abu Dhabi|Muscat|Amman|Kabul|Islamabad|Karachi|New Delhi|Delhi|Mumbai|Kolkata|Bangalore=Bengaluru|Dhaka|Colombo|
Kathmandu|Bangkok|Hanoi|Jakarta|Manila|Kuala Lumpur|Seoul|Pyongyang|Taipei|Shanghai|Shenzhen|Guangzhou|Minsk|Vilnius|
Riga|Tallinn|Helsinki|Stockholm|Oslo|Copenhagen|Amsterdam|The Hague|Geneva|Zurich|Bern|Lisbon|Dublin|Edinburgh|
Belgrade|Zagreb|Sarajevo|Tbilisi|Yerevan|Baku|Astana|Tashkent|Bishkek|Chisinau|St Petersburg=Saint Petersburg=
St. Petersburg|Sochi|Novosibirsk|Vladivostok|Kazan|Yekaterinburg|Sevastopol|New York|Los Angeles|Chicago|Houston|
San Francisco|Miami|Boston|Seattle|Atlanta|Dallas|Philadelphia|Detroit|Las Vegas|Florida|California|Texas|Alaska|
Hawaii|Ottawa|Toronto|Montreal|Vancouver|Mexico City|Havana|Caracas|Bogota|Lima|Santiago|Buenos Aires|Brasilia|
Sao Paulo|Rio de Janeiro|Nairobi|Lagos|Abuja|Addis Ababa|Khartoum|Johannesburg|Pretoria|Cape Town|Kinshasa|Algiers|
Tunis|Tripoli|Rabat|Casablanca|Sydney|Melbourne|Canberra|Auckland|Wellington|Munich|Frankfurt|Hamburg|Milan|Naples|
Barcelona|Marseille|Lyon|Manchester|Birmingham|Glasgow|Belfast|Cardiff|Rotterdam|Antwerp|Krakow|Gdansk|Davos|
Anchorage|Strasbourg|Reykjavik|Valletta|Nicosia|Ljubljana|Bratislava|Skopje|Tirana|Podgorica|Pristina|
Ulaanbaatar|Phnom Penh|Yangon|Naypyitaw|Kyoto|Osaka|Busan|Wuhan|Chongqing|Tianjin|Hangzhou|Gulf|Persian Gulf|
Strait of Hormuz|Taiwan Strait|South China Sea|Sinai|Golan Heights|Rafah|Khan Younis|Aleppo|Idlib|Mosul|Basra|Erbil|
Sanaa|Aden|Hodeidah|Benghazi|Mogadishu|Juba|Goma|Bamako|Niamey|Ouagadougou|Dakar|Accra|Kampala|Kigali|Harare|Lusaka|
Maputo|Luanda|Windhoek|Gaborone|Antananarivo|Port-au-Prince|Kingston|Panama City|San Jose|Managua|Tegucigalpa|
Guatemala City|San Salvador|Quito|La Paz|Asuncion|Montevideo`

// orgNames are organisations that news copy names without a cue: agencies,
// alliances, governments by their seat, broadcasters, platforms, companies.
const orgNames = `Reuters|Bloomberg=Bloomberg News|Associated Press=AP|Agence France-Presse=AFP|BBC|CNN|Fox News|
Al Jazeera|Sky News|NBC|CBS|ABC News|NPR|New York Times|Washington Post|Wall Street Journal=WSJ|Financial Times=FT|
The Economist|Guardian|Politico|Axios|Le Monde|Der Spiegel|TASS|Interfax|RIA Novosti=RIA|Izvestia|Kommersant|
Vedomosti|RT|Xinhua|Kyodo|Yonhap|Ukrinform|Ukrainska Pravda|Meduza|The Bell|Telegram|Twitter|Facebook|Instagram|
YouTube|TikTok|WhatsApp|Truth Social|Kremlin|White House|Pentagon|State Department|Downing Street|Elysee|Bundestag|
Duma=State Duma|Congress|Senate|House of Representatives|Supreme Court|Federal Reserve=Fed|European Central Bank=ECB|
Bank of England|NATO=North Atlantic Treaty Organization=North Atlantic Treaty Organisation|European Union=EU|
United Nations=UN=U.N.|UN Security Council=Security Council|European Commission|European Parliament|
International Monetary Fund=IMF|World Bank|World Health Organization=WHO|World Trade Organization=WTO|OPEC|OPEC+|G7|
G20|BRICS|ASEAN|African Union|Arab League|OSCE|IAEA|International Criminal Court=ICC|Interpol|Red Cross|
International Committee of the Red Cross=ICRC|Amnesty International|Human Rights Watch|Hamas|Hezbollah|Taliban|
Islamic State=ISIS=ISIL|Houthis|Wagner|FSB|KGB|CIA|FBI|NSA|MI6|Mossad|SBU|Gazprom|Rosneft|Lukoil|Novatek|Sberbank|
Rosatom|Aeroflot|Apple|Google|Alphabet|Microsoft|Amazon|Meta|Tesla|SpaceX|Nvidia|Intel|Boeing|Airbus|Shell|BP|
ExxonMobil=Exxon|Chevron|TotalEnergies|Saudi Aramco=Aramco|Goldman Sachs|JPMorgan|Morgan Stanley|BlackRock|
General Motors|General Electric|Ford|Toyota|Volkswagen|Samsung|Huawei|Alibaba|Tencent|OpenAI|Navalny Foundation|
Democratic Party=Democrats|Republican Party=Republicans|Labour Party=Labour|Conservative Party=Conservatives|
United Russia|Servant of the People|Verkhovna Rada=Rada`

// demonymNames are adjectives of nationality and region: capitalised, but not
// entities themselves.
const demonymNames = `Afghan|Albanian|Algerian|American|Argentine|Argentinian|Armenian|Australian|Austrian|Azerbaijani|
Bangladeshi|Belarusian|Belarusan|Belgian|Bolivian|Bosnian|Brazilian|British|Bulgarian|Burmese|Cambodian|Canadian|Chilean|
Chinese|Colombian|Congolese|Croatian|Cuban|Cypriot|Czech|Danish|Dutch|Ecuadorian|Egyptian|Emirati|English|Eritrean|
Estonian|Ethiopian|European|Filipino|Finnish|French|Georgian|German|Ghanaian|Greek|Haitian|Hungarian|Icelandic|Indian|
Indonesian|Iranian|Iraqi|Irish|Israeli|Italian|Japanese|Jordanian|Kazakh|Kenyan|Korean|Kosovan|Kurdish|Kuwaiti|Kyrgyz|
Latvian|Lebanese|Libyan|Lithuanian|Malaysian|Malian|Maltese|Mexican|Moldovan|Mongolian|Moroccan|Nepalese|Nigerian|
Nigerien|Norwegian|Pakistani|Palestinian|Peruvian|Polish|Portuguese|Qatari|Romanian|Russian|Rwandan|Saudi|Scottish|
Serbian|Singaporean|Slovak|Slovenian|Somali|Spanish|Sudanese|Swedish|Swiss|Syrian|Taiwanese|Tajik|Thai|Tunisian|
Turkish|Turkmen|Ugandan|Ukrainian|Uzbek|Venezuelan|Vietnamese|Welsh|Yemeni|Zimbabwean|Western|Eastern|Northern|Southern|
Arab|Asian|African|Latin|Nordic|Baltic|Soviet|Muslim|Christian|Jewish|Catholic|Orthodox|Sunni|Shia|Shiite|Islamic|
Americans|Russians|Ukrainians|Europeans|Israelis|Palestinians|Chinese|Iranians|Germans|Britons`

// titleWords are capitalised titles and honorifics written before a name
// ("President Vladimir Putin", "Foreign Minister Sergei Lavrov").
const titleWords = `President|Vice|Prime|Minister|Foreign|Defence|Defense|Finance|Interior|Deputy|Secretary|Chancellor|
Envoy|Ambassador|Senator|Sen.|Sen|Rep.|Rep|Representative|Congressman|Congresswoman|Governor|Gov.|Gov|Mayor|General|Gen.|
Gen|Admiral|Adm.|Colonel|Col.|Col|Lieutenant|Lt.|Lt|Major|Maj.|Captain|Capt.|Sergeant|Sgt.|King|Queen|Prince|Princess|
Crown|Emperor|Pope|Cardinal|Archbishop|Bishop|Patriarch|Sheikh|Emir|Sultan|Ayatollah|Judge|Justice|Chief|Executive|
Director|Spokesman|Spokeswoman|Spokesperson|Chairman|Chairwoman|Chair|Commissioner|Speaker|Leader|Mr|Mr.|Mrs|Mrs.|Ms|
Ms.|Miss|Dr|Dr.|Prof|Prof.|Professor|Sir|Dame|Lord|Lady|Rev.|Reverend|Father|Special|Senior|Former|Opposition|Supreme|
Premier|Attorney|Press|National|Security|Adviser|Advisor|Aide|Analyst|CEO|Commander|Marshal|Field|Presidential|
Ombudsman|Envoy|Economy|Energy|Trade|Health|Justice|Hon|Hon.|Rabbi|Imam|Elder|Dean|Coach`

// roleNouns are lower-case words for a person's role written before a name
// ("envoy Steve Witkoff", "analyst Gerhard Mangott") or after a comma
// ("Witkoff, a real estate billionaire").
const roleNouns = `president|vice-president|minister|envoy|analyst|aide|adviser|advisor|spokesman|spokeswoman|
spokesperson|journalist|reporter|correspondent|executive|chief|director|chairman|chairwoman|official|leader|secretary|
ambassador|diplomat|senator|lawmaker|legislator|general|commander|economist|expert|professor|researcher|scientist|
author|writer|lawyer|attorney|judge|prosecutor|activist|worker|teacher|businessman|businesswoman|billionaire|banker|
investor|founder|co-founder|ceo|negotiator|candidate|governor|mayor|premier|chancellor|prince|princess|king|queen|
actor|actress|singer|player|coach|deputy|counterpart|strategist|commentator|blogger|editor|host|officer|soldier|pilot|
doctor|nurse|pastor|priest|cleric|bishop|tycoon|oligarch|magnate|entrepreneur|mogul|dissident|opposition|politician|
head|speaker|monarch|emir|sheikh|student|citizen|resident|witness|survivor|veteran|consultant|manager|partner|
colleague|ally|rival|successor|predecessor|boss|owner|president-elect|nominee|representative|delegate|mediator|
historian|academic|scholar|fellow|lecturer|novelist|poet|artist|musician|director-general|secretary-general|
commissioner|ombudsman|aide-de-camp|hostage|detainee|prisoner|captain|colonel|sergeant|lieutenant|admiral|marshal|
wife|husband|son|daughter|brother|sister|mother|father|uncle|aunt|cousin|widow`

// orgTails are last words that make a name an organisation ("Russian Navy",
// "Ministry of Defence", "Trump Administration").
const orgTails = `Inc|Inc.|Ltd|Ltd.|Corp|Corp.|Corporation|Co|Co.|LLC|PLC|plc|AG|SA|GmbH|NV|Group|Holdings|Bank|Union|
Ministry|Department|Agency|Council|Committee|Commission|Party|Parliament|Assembly|University|Institute|Court|Army|Navy|
Police|Fund|Association|Organization|Organisation|Foundation|Times|News|Post|Journal|Herald|Tribune|Gazette|Company|
Airlines|Airways|Forces|Force|Guard|Administration|Office|Service|Services|Bureau|Authority|Media|Network|Television|
Radio|Club|FC|Church|Federation|Alliance|Coalition|Front|Movement|Reserve|Exchange|Board|Senate|Congress|Cabinet|
Government|Commission|Centre|Center|Academy|College|School|Hospital|Museum|Brigade|Battalion|Regiment|Division|
Command|Fleet|Industries|Technologies|Energy|Motors|Petroleum|Oil|Gas|Capital|Partners|Ventures|Labs|Systems|
Pharmaceuticals|Telecom|Railways|Institution|Society|League|Federation|Tribunal|Secretariat|Directorate|Inspectorate|
Protection|Security|Affairs|Enforcement|Development|Relations|Studies|Research|Rights|Watch|Initiative|Program|
Programme|Project|Mission|Operations|Laboratory|Observatory|Lab|
Prosecutor's|Duma|Rada|Knesset|Majlis`

// placeTails are last words that make a name a place ("Dnipro River",
// "Darnytskyi District").
const placeTails = `River|Sea|Ocean|Lake|Mountains|Mountain|Mount|Island|Islands|Peninsula|Bay|Valley|Desert|
Region|Province|Oblast|District|County|State|City|Town|Village|Street|Avenue|Square|Boulevard|Airport|Port|Bridge|
Strait|Gulf|Canal|Coast|Plain|Plateau|Forest|Park|Heights|Highlands|Prefecture|Krai|Territory|Republic|North|South|East|West|Central|Theater|Theatre|Stadium|Arena|
Palace|Cathedral|Temple|Mosque|Castle|Tower|Hotel|Station|Base|Camp|Prison|Mall|Market|Road|Highway`

// orgHeads are first words that make a name an organisation ("Ministry of
// Foreign Affairs", "Bank of England").
const orgHeads = `Ministry|Department|Bank|University|Institute|Office|Council|Court|Federal|National|Central|
International|Royal|Supreme|Constitutional|Federation|Union|League|Committee|Commission|House|Board|Agency|Bureau|
Organisation|Organization|Association|Society|Academy|College|Church|Party`

// orgCues are lower-case words written next to an organisation's name
// ("news outlet The Bell", "the Izvestia newspaper").
const orgCues = `outlet|newspaper|agency|broadcaster|channel|daily|weekly|magazine|tabloid|company|firm|group|party|
bank|lender|insurer|carrier|airline|operator|producer|maker|manufacturer|retailer|giant|conglomerate|startup|
platform|network|website|portal|app|ministry|regulator|watchdog|militia|movement|organisation|organization|charity|
union|alliance|bloc|club|team|university|institute|fund|exchange|utility|miner|refiner|shipper|publisher|studio`

// months and weekdays are capitalised but never entities.
const timeWords = `January|February|March|April|May|June|July|August|September|October|November|December|
Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|
Christmas|Easter|Ramadan|Eid|Hanukkah|Thanksgiving`

// commonWords open sentences, headings and quotations in capitals without
// naming anything; stripped from the start of a name at a sentence start and
// never an entity on their own.
const commonWords = `The|A|An|This|That|These|Those|It|He|She|They|We|I|You|His|Her|Their|Its|Our|My|Your|But|And|Or|
Nor|So|Yet|If|When|While|Whilst|Although|Though|Since|Despite|However|After|Before|As|At|In|On|For|With|From|By|To|Of|
About|Such|Both|No|Not|Many|Some|All|Any|Each|Every|Other|Another|Most|More|Few|Several|Meanwhile|Also|Then|There|
Here|What|Which|Who|Whom|Whose|Why|How|Where|Still|Even|Only|Just|Yes|Instead|Last|Next|First|Second|Third|Under|Over|
Among|Between|Against|During|Until|Without|Within|Following|According|Earlier|Later|Today|Yesterday|Tomorrow|Now|Once|
Unlike|Like|Overall|Indeed|Thus|Therefore|Further|Moreover|Nevertheless|Nonetheless|Separately|Additionally|Asked|
Critics|Analysts|Officials|Experts|Sources|Observers|Diplomats|Residents|Witnesses|Authorities|Meetings|Talks|
Such|Those|Whether|Because|Unless|Whatever|Whoever|Please|Let|Do|Does|Did|Is|Are|Was|Were|Be|Been|Will|Would|Can|
Could|Should|Must|May|Might|Shall|Has|Have|Had|Said|Says|Told|Asked|Speaking|Writing|Reporting|Editing|Additional|
Updated|Read|More|Related|Watch|See|Note|Photo|Video|Image|Source|Copyright|Advertisement|Subscribe|Share|New|Old|
Big|Small|Top|Senior|Former|Key|Major|Minor|Early|Late|Recent|Current|Many|Much|Few|Little|Less|Least|Best|Worst|
Good|Bad|Great|Long|Short|High|Low|Full|Half|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Dozens|Hundreds|
Thousands|Millions|West|East|North|South|TV|CEO|CFO|GDP|OK|AM|PM|GMT|UTC|LNG|PR|ID|AI|Mr|Mrs|Ms|Dr|Prof|Sir|St|Mt|
Update|Breaking|Exclusive|Analysis|Opinion|Comment|Factbox|Explainer|Timeline|Live|Wrapup|Administration|State|
Government|President|Minister|Chairman|Spokesman|Leader|Ambassador|Envoy|Army|Navy|Police|Court`

// givenNames are common first names, for telling "Arthur Petrov" from
// "Touch Bar" when nothing else in the text does.
const givenNames = `Aaron|Abdul|Abdullah|Abu|Adam|Adrian|Ahmad|Ahmed|Aisha|Alan|Albert|Aleksandr|Alex|Alexander|
Alexandra|Alexei|Alexey|Ali|Alice|Alina|Alison|Amanda|Amir|Amy|Ana|Anastasia|Anatoly|Andre|Andrea|Andrei|Andrew|Andrey|
Andriy|Andrzej|Angela|Anna|Anne|Anthony|Anton|Antonio|Arthur|Ashley|Barack|Barbara|Ben|Benjamin|Bernard|Bill|Bob|
Boris|Brian|Bruce|Carl|Carlos|Caroline|Catherine|Charles|Charlie|Chris|Christian|Christina|Christine|Christopher|
Claire|Claudia|Colin|Daniel|Daria|David|Denis|Dennis|Diana|Dmitri|Dmitriy|Dmitry|Donald|Douglas|Ebrahim|Edward|Elena|
Elizabeth|Ellen|Elon|Emily|Emma|Emmanuel|Eric|Erik|Eva|Fatima|Felipe|Fernando|Francesco|Francis|Frank|Franz|Friedrich|
Gary|Gennady|Geoffrey|George|Georgy|Gerhard|Giorgia|Giuseppe|Gleb|Grace|Greg|Gregory|Hannah|Hans|Harry|Hassan|Heinz|
Helen|Henry|Hillary|Howard|Hugo|Hussein|Ian|Ibrahim|Igor|Ilya|Irina|Isaac|Ivan|Jack|Jacob|Jake|James|Jan|Jane|Janet|
Jason|Javier|Jean|Jeff|Jeffrey|Jennifer|Jens|Jeremy|Jerome|Jessica|Jim|Joachim|Joe|Johann|John|Jonathan|Jorge|Jose|
Joseph|Joshua|Juan|Julia|Julian|Justin|Kamala|Karen|Karl|Kate|Katherine|Keir|Kenneth|Kevin|Khalid|Kim|Kirill|Klaus|
Konstantin|Ksenia|Kurt|Larry|Laura|Lee|Leonid|Li|Lidia|Linda|Lisa|Liz|Luis|Luiz|Lukas|Magdalena|Mahmoud|Malcolm|Manuel|
Marc|Marco|Margaret|Maria|Marie|Marina|Mario|Mark|Marta|Martin|Mary|Matt|Matthew|Max|Maxim|Mehmet|Michael|Michel|
Michelle|Mike|Mikhail|Mohamed|Mohammad|Mohammed|Muhammad|Nancy|Narendra|Natalia|Natalya|Nathan|Neil|Nicholas|Nick|
Nicolas|Nikita|Nikodem|Nikolai|Nikolay|Nina|Noah|Oksana|Olaf|Oleg|Oleksandr|Oleksiy|Olena|Olga|Oliver|Olivia|Omar|Oscar|
Pablo|Patricia|Patrick|Paul|Pavel|Pedro|Peter|Petr|Petro|Philip|Pierre|Rachel|Rafael|Ralph|Ramzan|Raymond|Rebecca|Recep|
Richard|Rishi|Rob|Robert|Roberto|Roger|Roman|Ron|Ronald|Rosa|Ruslan|Ryan|Sam|Samuel|Sandra|Sarah|Scott|Sean|Sebastian|
Serhiy|Sergei|Sergey|Sergio|Sophie|Stefan|Stephen|Steve|Steven|Susan|Svetlana|Tatiana|Tatyana|Theresa|Thomas|Tim|
Timothy|Tina|Tom|Tony|Tucker|Ursula|Valentina|Valery|Vasily|Victor|Victoria|Viktor|Vitali|Vitaly|Vladimir|Vladislav|
Volodymyr|Walter|Wang|William|Xi|Yevgeny|Yulia|Yuri|Yury|Zhang|Zoe`

// particles join the parts of a name in lower case ("Ursula von der Leyen").
const particleWords = `van|von|der|den|de|del|della|di|da|dos|das|du|la|le|bin|ibn|al|el|ter|ten|zu|y`

type gazetteerEntry struct {
	name string
	typ  events.EntityType
}

// lexicon holds the word lists as sets; it is built once and only read.
type lexicon struct {
	gazetteer  map[string]gazetteerEntry
	demonyms   map[string]bool
	titles     map[string]bool
	roles      map[string]bool
	orgTails   map[string]bool
	placeTails map[string]bool
	orgHeads   map[string]bool
	orgCues    map[string]bool
	times      map[string]bool
	common     map[string]bool
	particles  map[string]bool
	given      map[string]bool
}

var lex = newLexicon()

func newLexicon() *lexicon {
	l := &lexicon{
		gazetteer:  make(map[string]gazetteerEntry, 700),
		demonyms:   set(demonymNames),
		titles:     set(titleWords),
		roles:      set(roleNouns),
		orgTails:   set(orgTails),
		placeTails: set(placeTails),
		orgHeads:   set(orgHeads),
		orgCues:    set(orgCues),
		times:      set(timeWords),
		common:     set(commonWords),
		particles:  set(particleWords),
		given:      set(givenNames),
	}
	l.addNames(placeNames, events.EntityPlace)
	l.addNames(orgNames, events.EntityOrganization)
	return l
}

// addNames adds a list of "Canonical=Alias=Alias|..." entries.
func (l *lexicon) addNames(list string, typ events.EntityType) {
	for _, f := range fields(list) {
		names := strings.Split(f, "=")
		for _, n := range names {
			if _, ok := l.gazetteer[n]; !ok && n != "" {
				l.gazetteer[n] = gazetteerEntry{names[0], typ}
			}
		}
	}
}

// fields splits a "|"-separated list, ignoring line breaks.
func fields(list string) []string {
	list = strings.ReplaceAll(list, "\n", "")
	return strings.Split(list, "|")
}

func set(list string) map[string]bool {
	m := make(map[string]bool)
	for _, f := range fields(list) {
		if f != "" {
			m[f] = true
		}
	}
	return m
}
