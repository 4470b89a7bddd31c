package lang

import "testing"

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"english", "The envoy said on Wednesday that the talks had been useful and that he would return to Washington to report to the president.", "en"},
		{"german", "Der Gesandte sagte am Mittwoch, dass die Gespräche nützlich gewesen seien und er nach Washington zurückkehren werde, um dem Präsidenten zu berichten.", "de"},
		{"french", "L'envoyé a déclaré mercredi que les discussions avaient été utiles et qu'il rentrerait à Washington pour faire son rapport au président.", "fr"},
		{"spanish", "El enviado dijo el miércoles que las conversaciones habían sido útiles y que regresaría a Washington para informar al presidente de los resultados.", "es"},
		{"italian", "L'inviato ha detto mercoledì che i colloqui sono stati utili e che tornerà a Washington per riferire al presidente, anche se non è chiaro quando.", "it"},
		{"portuguese", "O enviado disse na quarta-feira que as conversas foram úteis e que ele voltaria a Washington para informar o presidente, mas não disse quando.", "pt"},
		{"dutch", "De gezant zei woensdag dat de gesprekken nuttig waren en dat hij naar Washington zou terugkeren om verslag uit te brengen aan de president.", "nl"},
		{"russian", "Посланник заявил в среду, что переговоры были полезными и что он вернется в Вашингтон, чтобы доложить президенту о том, что было сказано.", "ru"},
		{"ukrainian", "Посланець заявив у середу, що переговори були корисними і що він повернеться до Вашингтона, щоб доповісти президентові про їхні результати.", "uk"},
		{"greek", "Ο απεσταλμένος δήλωσε την Τετάρτη ότι οι συνομιλίες ήταν χρήσιμες.", "el"},
		{"japanese", "特使は水曜日、協議は有益だったと述べた。", "ja"},
		{"chinese", "特使周三表示，会谈是有益的。", "zh"},
		{"english brief", "Quake hits island off Iran\n\nA 5.6 magnitude earthquake hit an island off Iran's southern coast on Sunday, injuring five people.", "en"},
		{"portuguese brief", "Sismo no Irão\n\nUm sismo de magnitude 5,6 atingiu no domingo uma ilha ao largo da costa iraniana.", "pt"},
		{"too short", "Hello world", Undetermined},
		{"numbers only", "12 345 678 9.0", Undetermined},
		{"empty", "", Undetermined},
		{"arabic script is ambiguous", "قال المبعوث يوم الأربعاء إن المحادثات كانت مفيدة", Undetermined},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.text); got != tt.want {
				t.Errorf("Detect(%.40q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		tag, want string
	}{
		{"en", "en"},
		{"en-US", "en"},
		{"EN_gb", "en"},
		{" de ", "de"},
		{"pt-BR", "pt"},
		{"fil", "fil"},
		{"und", ""},
		{"x-default", ""},
		{"english", ""},
		{"e1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.tag); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.tag, got, tt.want)
		}
	}
}

func TestContradicts(t *testing.T) {
	tests := []struct {
		declared, detected string
		want               bool
	}{
		{"en", "ru", true},
		{"ru", "en", true},
		{"en", "zh", true},
		{"uk", "ru", false}, // one script: the stopwords may be wrong
		{"de", "en", false}, // one script
		{"ja", "zh", false}, // Japanese is written with Han characters too
		{"zh", "ja", false},
		{"sr", "ru", false}, // Serbian is written in either script
		{"en", Undetermined, false},
		{"xx", "ru", false}, // a tag of unknown script
		{"en", "en", false},
	}
	for _, tt := range tests {
		if got := Contradicts(tt.declared, tt.detected); got != tt.want {
			t.Errorf("Contradicts(%q, %q) = %v, want %v", tt.declared, tt.detected, got, tt.want)
		}
	}
}

func TestOverrules(t *testing.T) {
	const (
		spanish = "El gobierno anunció el martes que las obras del puerto se reanudarán en marzo, después de que los sindicatos y la empresa llegaran a un acuerdo sobre los salarios. " +
			"Según el ministro, la inversión será de 40 millones de euros y permitirá que los barcos más grandes atraquen en la terminal, algo que hasta ahora no era posible por la falta de calado."
		english = "The government said on Tuesday that work on the port would resume in March, after the unions and the company reached an agreement on wages. " +
			"According to the minister, the investment will be 40 million euros and will allow the largest ships to dock at the terminal, which has not been possible so far."
		portuguese = "O governo anunciou na terça-feira que as obras do porto serão retomadas em março, depois de os sindicatos e a empresa chegarem a um acordo sobre os salários. " +
			"Segundo o ministro, o investimento será de 40 milhões de euros e vai permitir que os navios maiores atraquem no terminal, o que até agora não era possível."
		quoted = "The minister, speaking in Madrid, said: «el puerto es de todos». Work on the port will resume in March after the unions and the company reached an agreement on wages and shifts, " +
			"and the investment of 40 million euros will allow the largest ships to dock at the terminal."
	)
	tests := []struct {
		name, declared, text string
		want                 string
		ok                   bool
	}{
		{"a Spanish article under an English template", "en", spanish, "es", true},
		{"an English article declared English", "en", english, "", false},
		{"a Portuguese article declared Portuguese", "pt", portuguese, "", false},
		{"a Portuguese article declared Spanish", "es", portuguese, "pt", true},
		{"an English article quoting Spanish", "en", quoted, "", false},
		{"too short to overrule", "en", "El gobierno anunció el martes que las obras del puerto se reanudarán en marzo.", "", false},
		{"a language Detect does not know is not judged", "sv", spanish, "", false},
		{"another script is Contradicts' business", "ru", spanish, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Overrules(tt.declared, tt.text)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Overrules(%q, …) = %q, %v; want %q, %v", tt.declared, got, ok, tt.want, tt.ok)
			}
		})
	}
}
