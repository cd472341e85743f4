"""Seeded generator of synthetic persons with realistic names from many naming cultures.

Every culture has its own structure (Arabic nasab with family name, Russian patronymics, Spanish double
surnames, Chinese and Korean syllable given names, Indian, Persian, Pashto, Turkish, West and East African,
Vietnamese, Indonesian mononyms and more). The same seed always gives the same persons, so benchmark runs
can be compared. The pools are common names; no real listed person is meant.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from openbmis.screening.model import DateSpec, WatchlistEntry

W = str.split

ARAB_M = W(
    "Ahmed Mohamed Mahmoud Mustafa Khaled Omar Ali Hassan Hussein Ibrahim Youssef Tarek Karim Walid Samir "
    "Nabil Adel Amr Hamza Bilal Faisal Fahad Majid Nasser Rashid Saad Saeed Salem Sultan Talal Yasser Ziad "
    "Anas Bassam Jamal Kamal Marwan Murad Nizar Osama Qasim Rami Sami Tamer Wael Yahya Zakaria Abdelaziz "
    "Abdullah Abdulrahman Hisham Ihab Imad Jihad Luay Mazen Mounir Radwan Suhail Tawfiq Usama Zuhair"
)
ARAB_F = W(
    "Fatima Aisha Maryam Khadija Zainab Layla Noor Huda Amal Rania Salma Yasmin Dina Hana Lina Mona Nadia "
    "Rana Reem Sara Samira Souad Widad Zahra Asma Basma Ghada Hiba Iman Jamila Lubna Maha Nawal Rasha Suha"
)
ARAB_FAM = W(
    "Al-Hashimi Al-Masri Al-Khatib Haddad Nasser Saleh Mansour Khalil Aziz Darwish Hamdan Issa Jaber "
    "Al-Amin Al-Najjar Al-Sayed Abbas Qureshi Al-Tamimi Al-Shammari Al-Otaibi Al-Qahtani Al-Dossari "
    "Al-Harbi Al-Zahrani Bakr Barakat Farouk Ghanem Habib Hijazi Kanaan Khoury Maalouf Mahfouz Nassar "
    "Rahal Sabbagh Shaheen Suleiman Taha Yassin Zaki Al-Baghdadi Al-Jubouri Al-Dulaimi Al-Obeidi"
)
RU_M = W(
    "Aleksandr Sergei Dmitri Andrei Alexei Ivan Mikhail Nikolai Vladimir Yuri Pavel Oleg Igor Viktor Roman "
    "Maxim Denis Anton Artem Kirill Boris Gennady Konstantin Leonid Stanislav Vadim Vasily Yevgeny Fyodor"
)
RU_F = W(
    "Elena Olga Tatiana Natalia Irina Svetlana Anna Maria Ekaterina Yulia Anastasia Marina Galina Lyudmila "
    "Oksana Vera Daria Polina Ksenia Larisa"
)
RU_FAM = W(
    "Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov Morozov Volkov "
    "Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov Nikitin Zakharov "
    "Zaitsev Solovyov Borisov Yakovlev Grigoriev Romanov Vorobyov Sergeev Kuzmin Frolov Alexandrov Dmitriev "
    "Korolev Gusev Kiselev Ilyin Maximov Polyakov Sorokin Vinogradov Kovalev Belov Medvedev Antonov Tarasov"
)
ES_M = W(
    "Jose Juan Luis Carlos Jorge Miguel Pedro Manuel Francisco Antonio Alejandro Fernando Ricardo Diego "
    "Javier Rafael Eduardo Sergio Andres Pablo Raul Hector Oscar Mario Alberto Enrique Roberto Ramon Victor"
)
ES_F = W(
    "Maria Carmen Ana Laura Isabel Rosa Lucia Elena Patricia Sofia Marta Gabriela Valentina Camila Daniela "
    "Paula Andrea Claudia Beatriz Adriana Veronica Mariana"
)
ES_FAM = W(
    "Garcia Rodriguez Martinez Lopez Gonzalez Hernandez Perez Sanchez Ramirez Torres Flores Rivera Gomez "
    "Diaz Cruz Morales Reyes Gutierrez Ortiz Ramos Romero Alvarez Mendoza Ruiz Vargas Castillo Jimenez "
    "Moreno Herrera Medina Aguilar Castro Vega Silva Rojas Navarro Salazar Delgado Fuentes Cabrera Soto"
)
EN_M = W(
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew "
    "Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason"
)
EN_F = W(
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret "
    "Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Laura"
)
EN_FAM = W(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
    "Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker "
    "Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris "
    "Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood"
)
FR_M = W(
    "Jean Pierre Michel Philippe Alain Nicolas Christophe Francois Laurent Eric Olivier Thierry Julien "
    "Sebastien Mathieu Guillaume Antoine Vincent Bernard Jacques"
)
FR_F = W(
    "Marie Nathalie Isabelle Sylvie Catherine Sophie Christine Valerie Sandrine Celine Julie Aurelie Emilie"
)
FR_FAM = W(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier Dupont Lambert Bonnet Francois"
)
DE_M = W(
    "Thomas Michael Andreas Stefan Christian Markus Martin Frank Klaus Jurgen Wolfgang Peter Uwe Matthias "
    "Jan Tobias Florian Sebastian Dirk Holger"
)
DE_F = W("Sabine Petra Claudia Monika Andrea Susanne Birgit Stefanie Julia Katrin Anja Nicole Heike Ursula")
DE_FAM = W(
    "Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schafer Koch Bauer Richter "
    "Klein Wolf Schroder Neumann Schwarz Zimmermann Braun Kruger Hofmann Hartmann Lange Schmitt Werner"
)
TR_M = W(
    "Mehmet Mustafa Ahmet Ali Huseyin Hasan Ibrahim Ismail Osman Yusuf Murat Omer Ramazan Halil Suleyman "
    "Abdullah Mahmut Recep Emre Burak Serkan Kemal Cem Tolga"
)
TR_F = W("Fatma Ayse Emine Hatice Zeynep Elif Meryem Sultan Hacer Hulya Ozlem Derya Esra Gul Seda")
TR_FAM = W(
    "Yilmaz Kaya Demir Sahin Celik Yildiz Yildirim Ozturk Aydin Ozdemir Arslan Dogan Kilic Aslan Cetin "
    "Kara Koc Kurt Ozkan Simsek Polat Korkmaz Erdogan Aksoy Guler"
)
FA_M = W(
    "Mohammad Ali Hossein Reza Mehdi Hamid Amir Saeed Majid Mahmoud Javad Hassan Ahmad Abbas Morteza "
    "Mostafa Behrouz Dariush Farhad Kamran Kourosh Parviz Siamak"
)
FA_F = W("Zahra Fatemeh Maryam Masoumeh Zeinab Narges Shirin Parisa Leila Mahnaz Azadeh Niloufar Roya Soraya")
FA_FAM = W(
    "Mohammadi Hosseini Ahmadi Rezaei Moradi Karimi Rahimi Jafari Ghorbani Sadeghi Mousavi Hashemi "
    "Rostami Azizi Kazemi Tehrani Esfahani Shirazi Tabrizi Hamedani Najafi Rahmani Safavi Bagheri"
)
PS_M = W(
    "Gul Zalmay Naqibullah Hekmatullah Rahmatullah Samiullah Noorullah Ahmad Zia Wahid Habib Jawed Khalid "
    "Farid Nasir Shafiq Qadir Rafiq Sharif Azim Karim Wali Mirwais Hamid"
)
PS_FAM = W(
    "Khan Popal Durrani Barakzai Ghilzai Karzai Achakzai Wardak Safi Mohmand Yousafzai Afridi Shinwari "
    "Stanikzai Ahmadzai Noorzai Alizai Kakar Mangal Zadran Niazi Sherzad Hotak"
)
IN_M = W(
    "Rahul Amit Rajesh Suresh Ramesh Vijay Anil Sanjay Sunil Ajay Arun Deepak Manoj Ashok Pradeep Rakesh "
    "Vikram Arjun Rohit Karan Nikhil Harish Ganesh Mahesh Venkat Srinivas"
)
IN_F = W(
    "Priya Sunita Anita Kavita Pooja Neha Ritu Asha Lakshmi Meena Rekha Geeta Deepa Anjali Divya Shalini"
)
IN_FAM = W(
    "Sharma Verma Gupta Singh Kumar Patel Shah Mehta Reddy Rao Nair Iyer Menon Pillai Joshi Kulkarni "
    "Desai Chatterjee Banerjee Mukherjee Das Bose Sen Ghosh Mishra Pandey Tiwari Yadav Chauhan Malhotra"
)
ZH_SUR = W(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie "
    "Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding"
)
ZH_SYL = W(
    "wei fang na min jing li qiang lei jun yang yong yan jie tao ming chao xiu hua ping gang hui hong "
    "ying lan bo hai dong xin yu jian zhi hao long feng rui qing kai jia yi xiao lin wen tian bin"
)
KO_SUR = W("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Ryu Hong")
KO_SYL = W("min seo ji hyun jun woo young soo jin hee sung ho jae eun yeon hye kyung dong hoon chul")
JA_SUR = W(
    "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki "
    "Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda Hashimoto Ishikawa"
)
JA_GIV = W(
    "Hiroshi Takashi Kenji Akira Yuki Haruto Sota Ren Daiki Kenta Yuto Shota Naoki Yuko Keiko Akiko "
    "Yoko Naoko Emi Yui Aoi Sakura Haruka Misaki"
)
VI_SUR = W("Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly")
VI_MID = W("Van Thi Duc Minh Quoc Huu Thanh Ngoc Xuan")
VI_GIV = W(
    "Anh Binh Cuong Dung Hai Hung Khanh Long Nam Phuong Quang Son Thao Trang Tuan Viet Lan Mai Hoa Linh"
)
ID_NAMES = W(
    "Budi Agus Joko Siti Sri Dewi Rina Wahyu Hendra Bambang Eko Dwi Adi Yudi Rudi Agung Ratna Indah "
    "Putri Nur Fitri Ahmad Muhammad Slamet Suharto Sukarno Wibowo Santoso Setiawan Pratama Saputra "
    "Hidayat Nugroho Kurniawan Susanto Gunawan Halim Sutanto"
)
NG_GIV = W(
    "Chinedu Emeka Ifeanyi Obinna Chukwuemeka Oluwaseun Adebayo Babatunde Olumide Tunde Musa Abubakar "
    "Usman Ibrahim Aminu Chioma Ngozi Adaeze Folake Funmilayo Aisha Hauwa Zainab Blessing Grace"
)
NG_FAM = W(
    "Okafor Okonkwo Eze Nwosu Obi Adeyemi Ogunleye Adebayo Balogun Olawale Bello Mohammed Abdullahi "
    "Danjuma Yusuf Garba Lawal Suleiman Onyeka Chukwu Okeke Nnamdi Ajayi Oyelaran"
)
EA_GIV = W(
    "Abebe Bekele Tesfaye Haile Alemu Girma Mulugeta Dawit Yohannes Tadesse Kebede Selam Meron Hirut "
    "Tigist Amina Hassan Juma Baraka Wanjiru Kamau Otieno Achieng Mwangi Njeri"
)
EA_FAM = W(
    "Tadesse Bekele Alemu Haile Wolde Gebre Desta Mengistu Kamau Mwangi Otieno Odhiambo Kiprop Mutua "
    "Njoroge Wekesa Omondi Mohamed Abdi Farah Warsame Hussein Osman Nur"
)
SO_GIV = W(
    "Abdi Mohamed Ahmed Hassan Ali Omar Yusuf Abdirahman Abdullahi Faisal Hodan Sahra Ayan Hawa Fadumo"
)
PL_M = W("Piotr Krzysztof Andrzej Tomasz Pawel Marcin Michal Grzegorz Jakub Adam Lukasz Wojciech Marek")
PL_F = W("Anna Maria Katarzyna Malgorzata Agnieszka Barbara Ewa Krystyna Magdalena Joanna Zofia")
PL_FAM = W(
    "Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak "
    "Dabrowski Kozlowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski"
)
GR_M = W("Georgios Dimitrios Konstantinos Ioannis Nikolaos Panagiotis Vasileios Christos Athanasios Michail")
GR_F = W("Maria Eleni Aikaterini Vasiliki Sofia Angeliki Georgia Dimitra Konstantina Paraskevi")
GR_FAM = W(
    "Papadopoulos Papadakis Georgiou Oikonomou Karagiannis Vasileiou Nikolaidis Dimitriou Pappas "
    "Konstantinidis Ioannidis Christodoulou Antoniou Makris Alexiou"
)
IT_M = W("Giuseppe Giovanni Antonio Mario Luigi Francesco Angelo Vincenzo Pietro Salvatore Marco Luca Andrea")
IT_F = W("Maria Anna Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Francesca Chiara Giulia")
IT_FAM = W(
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti DeLuca "
    "Mancini Costa Giordano Rizzo Lombardi Moretti"
)
PH_GIV = W(
    "Jose Juan Mark John Michael Maria Ana Rosario Jennifer Michelle Ramon Rodrigo Arnel Jericho Marites"
)
PH_FAM = W(
    "Santos Reyes Cruz Bautista Ocampo Garcia Mendoza Torres Tomas Andrada Castillo Flores Villanueva "
    "Ramos Castro Rivera Aquino Navarro Salazar Mercado Dela-Cruz"
)


def _pick(rng: random.Random, pool: list[str]) -> str:
    return pool[rng.randrange(len(pool))]


def _arab(rng: random.Random, male: bool) -> str:
    given = _pick(rng, ARAB_M if male else ARAB_F)
    parts = [given, _pick(rng, ARAB_M)]
    if rng.random() < 0.5:
        parts.append(_pick(rng, ARAB_M))
    parts.append(_pick(rng, ARAB_FAM))
    return " ".join(parts)


def _russian(rng: random.Random, male: bool) -> str:
    father = _pick(rng, RU_M).rstrip("y")
    patro = father + ("ovich" if male else "ovna")
    surname = _pick(rng, RU_FAM) + ("" if male else "a")
    return f"{_pick(rng, RU_M if male else RU_F)} {patro} {surname}"


def _spanish(rng: random.Random, male: bool) -> str:
    given = _pick(rng, ES_M if male else ES_F)
    if rng.random() < 0.4:
        given += " " + _pick(rng, ES_M if male else ES_F)
    return f"{given} {_pick(rng, ES_FAM)} {_pick(rng, ES_FAM)}"


def _western(given_m: list[str], given_f: list[str], fam: list[str], middle: float):  # type: ignore[no-untyped-def]
    def make(rng: random.Random, male: bool) -> str:
        pool = given_m if male else given_f
        parts = [_pick(rng, pool)]
        if rng.random() < middle:
            parts.append(_pick(rng, pool))
        parts.append(_pick(rng, fam))
        return " ".join(parts)

    return make


def _chinese(rng: random.Random, male: bool) -> str:
    given = _pick(rng, ZH_SYL) + (_pick(rng, ZH_SYL) if rng.random() < 0.7 else "")
    return f"{_pick(rng, ZH_SUR)} {given.capitalize()}"


def _korean(rng: random.Random, male: bool) -> str:
    return f"{_pick(rng, KO_SUR)} {_pick(rng, KO_SYL).capitalize()}-{_pick(rng, KO_SYL)}"


def _japanese(rng: random.Random, male: bool) -> str:
    return f"{_pick(rng, JA_GIV)} {_pick(rng, JA_SUR)}"


def _vietnamese(rng: random.Random, male: bool) -> str:
    return f"{_pick(rng, VI_SUR)} {_pick(rng, VI_MID)} {_pick(rng, VI_GIV)}"


def _indonesian(rng: random.Random, male: bool) -> str:
    n = rng.choice((1, 2, 2, 3))
    return " ".join(_pick(rng, ID_NAMES) for _ in range(n))


def _pashto(rng: random.Random, male: bool) -> str:
    parts = [_pick(rng, PS_M)]
    if rng.random() < 0.5:
        parts.append(_pick(rng, PS_M))
    parts.append(_pick(rng, PS_FAM))
    return " ".join(parts)


def _somali(rng: random.Random, male: bool) -> str:
    return " ".join(_pick(rng, SO_GIV) for _ in range(3))


def _two(giv: list[str], fam: list[str]):  # type: ignore[no-untyped-def]
    def make(rng: random.Random, male: bool) -> str:
        return f"{_pick(rng, giv)} {_pick(rng, fam)}"

    return make


# (name maker, nationalities, weight)
CULTURES = [
    (_arab, ["eg", "sa", "iq", "sy", "jo", "lb", "ae", "ye", "ly", "dz", "ma", "tn"], 14),
    (_russian, ["ru", "by", "ua", "kz"], 8),
    (_spanish, ["es", "mx", "co", "ar", "pe", "ve", "cl"], 10),
    (_western(EN_M, EN_F, EN_FAM, 0.4), ["us", "gb", "ca", "au", "ie", "nz"], 12),
    (_western(FR_M, FR_F, FR_FAM, 0.2), ["fr", "be", "ch"], 4),
    (_western(DE_M, DE_F, DE_FAM, 0.2), ["de", "at", "ch"], 4),
    (_western(TR_M, TR_F, TR_FAM, 0.2), ["tr"], 5),
    (_western(FA_M, FA_F, FA_FAM, 0.3), ["ir"], 5),
    (_pashto, ["af", "pk"], 4),
    (_western(IN_M, IN_F, IN_FAM, 0.2), ["in", "np"], 8),
    (_chinese, ["cn", "tw", "sg"], 8),
    (_korean, ["kr", "kp"], 2),
    (_japanese, ["jp"], 2),
    (_vietnamese, ["vn"], 2),
    (_indonesian, ["id", "my"], 3),
    (_two(NG_GIV, NG_FAM), ["ng", "gh"], 4),
    (_two(EA_GIV, EA_FAM), ["et", "ke", "tz", "ug"], 3),
    (_somali, ["so", "dj"], 1),
    (_western(PL_M, PL_F, PL_FAM, 0.1), ["pl"], 2),
    (_western(GR_M, GR_F, GR_FAM, 0.1), ["gr", "cy"], 1),
    (_western(IT_M, IT_F, IT_FAM, 0.2), ["it"], 3),
    (_two(PH_GIV, PH_FAM), ["ph"], 2),
]


def generate(n: int, seed: int = 20261129, list_name: str = "synthetic") -> Iterator[WatchlistEntry]:
    """``n`` synthetic persons, always the same for the same seed (streamed, nothing kept)."""
    rng = random.Random(seed)
    makers = [c[0] for c in CULTURES]
    nats = [c[1] for c in CULTURES]
    weights = [c[2] for c in CULTURES]
    for i in range(n):
        k = rng.choices(range(len(makers)), weights)[0]
        male = rng.random() < 0.55
        name = makers[k](rng, male)
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.15:
            aliases = (makers[k](rng, male),)
        year = rng.randint(1935, 2006)
        if rng.random() < 0.7:
            dob = DateSpec(year, rng.randint(1, 12), rng.randint(1, 28))
        else:
            dob = DateSpec(year)
        yield WatchlistEntry(
            id=f"SYN{i:07d}",
            list_name=list_name,
            entity_type="person",
            names=(name,),
            aliases=aliases,
            birth_dates=(dob,),
            countries=(rng.choice(nats[k]),),
            sex="male" if male else "female",
        )
