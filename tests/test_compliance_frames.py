"""Lawful frames around banned words (grading/frames.py) and the wider families of wording added with
them: each mechanism has a line it must catch and a lawful line it must leave clean, in both locales."""

import pytest
from known_misses import params

from grading.analyze import Context, analyze


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")


def cats(text, locale, party="debtor"):
    a = analyze(text, Context(locale=locale, party=party, verified=True))
    for f in a.violations:
        assert f.quote and text[f.start : f.end] == f.quote
    return {f.category for f in a.violations}


TV, TL, INS, HAR = "threat_violence", "threat_legal", "insult", "harassment"
TPD, IMP, MIS = "third_party_disclosure", "impersonation", "misrepresentation"

CLEAN = [
    # the listener's words played back: the name lands on the collector
    ("zh-CN", "您刚才说我们是一群流氓，我能理解您很生气，我们还是说回账单吧。", "debtor"),
    ("zh-CN", "您是不是怀疑我们是骗子？您可以打官方客服核实。", "debtor"),
    (
        "en-US",
        "You said I'm a crook; I get that you're upset, so let's look at the statement together.",
        "debtor",
    ),
    ("en-US", "You asked if we're the police. We're not; we're a collection agency.", "debtor"),
    ("en-US", "Calling us thieves won't change the balance, so let's talk about a plan.", "debtor"),
    # what an earlier collector said, disowned
    ("zh-CN", "上一个同事说您是赖皮，这确实不合适，我替他向您道歉。", "debtor"),
    ("en-US", "The previous rep called you a loser? That's not acceptable and I'm sorry.", "debtor"),
    # the listener's fear, answered
    ("zh-CN", "您是不是担心会坐牢？欠款属于民事纠纷，不会的。", "debtor"),
    (
        "en-US",
        "You mentioned worrying about jail. That's not something that happens over a credit card.",
        "debtor",
    ),
    # a third party told paying is not theirs to do
    ("zh-CN", "您不需要替他还款，只要帮忙转告他回电就行。", "third_party"),
    ("en-US", "You're not responsible for his card, so please just pass along my number.", "third_party"),
    # a charge grounded in the contract
    ("zh-CN", "按照合同约定，每次扣款失败会收取一笔手续费。", "debtor"),
    ("en-US", "A $35 late fee applies under the terms of your cardholder agreement.", "debtor"),
    ("en-US", "Your check bounced, so the bounced check added a $30 charge to the account.", "debtor"),
    ("en-US", "The returned payment added a $25 fee, and the balance is now $1,265.", "debtor"),
    # a workmate asked only for a callback
    ("zh-CN", "麻烦您转告您同事王强给我回个电话。", "third_party"),
    ("en-US", "Could you ask your coworker Dan to call me back? Thanks.", "third_party"),
    # negation ahead of a time phrase
    ("zh-CN", "我们这边不会在早上八点之前给您打电话。", "debtor"),
]

CAUGHT = [
    ("zh-CN", "上一个同事说得对，你就是个赖皮。", INS, "debtor"),
    ("en-US", "The previous rep called you a loser, and honestly he was right.", INS, "debtor"),
    ("zh-CN", "你担心坐牢？那就赶紧还钱。", TL, "debtor"),
    ("en-US", "You're worried about jail? You should be.", TL, "debtor"),
    ("zh-CN", "你说我敢不敢派人去你家？", TV, "debtor"),
    ("zh-CN", "你得替他还钱，不然我们天天打给你。", TPD, "third_party"),
    ("en-US", "You need to pay his card off for him.", TPD, "third_party"),
    ("zh-CN", "不还就另外交五千块手续费。", MIS, "debtor"),
    # the debt told to the debtor's workmate or employer: disclosure and shaming at work
    ("zh-CN", "你们同事王强欠了我们三万块，一直不还。", HAR, "third_party"),
    ("en-US", "As his manager, you should know he owes us $4,000.", HAR, "third_party"),
    ("en-US", "Your coworker Dan is behind on his car loan.", HAR, "third_party"),
    # the delinquency told without the words 'debt' or 'owe'
    ("en-US", "It's about your brother's Mastercard. He quit making payments in June.", TPD, "third_party"),
    ("en-US", "Under your agreement we can double the balance every day.", MIS, "debtor"),
    ("en-US", "We'll add a $500 collection fee if you don't pay today.", MIS, "debtor"),
    ("en-US", "That returned payment means a $40 fee every day until you pay.", MIS, "debtor"),
]


@pytest.mark.parametrize(("locale", "text", "party"), CLEAN, ids=[t[:28] for _, t, _ in CLEAN])
def test_lawful_frame_stays_clean(locale, text, party):
    assert cats(text, locale, party) == set()


@pytest.mark.parametrize(
    ("locale", "text", "category", "party"), params(CAUGHT, ids=[t[:28] for _, t, _, _ in CAUGHT])
)
def test_violation_outside_the_frame_is_caught(locale, text, category, party):
    assert category in cats(text, locale, party)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("再不还钱你就等着zuo lao吧", "坐牢"),  # a whole word spelled syllable by syllable
        ("我们是gongan的", "公安"),
        ("我是j察", "警察"),  # a lone initial completed by its neighbour
        ("小心我 da 你", "打你"),
        ("淩晨給你打", "凌晨"),
        ("tell him his d3bt is overdue", "debt"),
        ("we fix your cr3dit rep0rt", "report"),
        ("your S0cial Security will be st0pped", "social security will be stopped"),
        ("your pic goes up with the tag #d3adbeat", "#deadbeat"),  # a hashtag keeps its '#'
        ("等着被zhua吧，今年在ju子里过年", "被抓"),
        ("等着被zhua吧，今年在ju子里过年", "局子"),
        ("你他🐴的什么时候还", "他马的"),  # the horse emoji stands for its homophone
        ("you've been s-e-r-v-e-d", "served"),
        ("利息我给你 quan mian，本金也能打 5 zhe", "全免"),
        ("利息我给你 quan mian，本金也能打 5 zhe", "打5折"),  # a discount spelled after its number
        ("我们是 zf 部门委托的", "政府"),
        ("他的 xin yong ka 欠了五万", "信用卡"),
        ("ur a w0rthless b*m", "worthless bum"),
        ("this deal is g0ne 4ever", "gone forever"),
        ("you're going b-e-h-i-n-d b-a-r-s", "behind bars"),  # spelled out letter by letter
        ("u gonna get a-rested", "arrested"),  # a chunk that spells a word once doubled letters count
        ("你还算个人吗，ch生", "畜生"),  # a two-letter initial
        ("网dai欠了八千多，逾qi好久了", "网贷欠了八千多,逾期"),
        ("text evry1 in ur contacts that u r a $cammer", "everyone in your contacts"),
        ("text evry1 in ur contacts that u r a $cammer", "scammer"),
        ("ur r3nt is 2 m0nths l8", "your rent is 2 months late"),
        ("sending the b@iliff 2nite", "bailiff tonight"),
    ],
)
def test_obfuscated_spellings_are_restored(text, expected):
    from grading.normalize import normalize

    assert expected in normalize(text).clean.text


@pytest.mark.parametrize(
    "text",
    [
        "我用u盘拷给你",
        "b超做了吗",
        "app里能还款",
        "我da算明天还",
        "a股跌了",
        "our #1 priority",
        "ticket #4471",
        "每天按本金0.05%计息",  # a percent sign next to Chinese text is not a separator
        "zhe个月先还一点",  # "zhe" with no number before it is not a discount
        "we owe you 4 refunds",
        "sh生活不容易",  # no sensitive word completed
        "a well-known co-op sent an e-mail",
    ],
)
def test_ordinary_mixed_text_is_left_alone(text):
    from grading.normalize import normalize

    assert normalize(text).clean.text == normalize(text).base.text


def test_unverified_days_late_is_an_early_disclosure():
    a = analyze("You're 45 days late on your Visa.", Context(locale="en-US", party="debtor", verified=False))
    assert [f.rule_id for f in a.violations] == ["unverified_disclosure"]


# Wider families of wording (scripts_corpus rules): a new line each must catch, and a lawful neighbour.
FAMILY_CAUGHT = [
    ("zh-CN", "你再这么躲着，你这条腿还要不要就难说了。", TV),
    ("zh-CN", "到时候就不只是打电话的事了。", TV),
    ("zh-CN", "我们会派人去你家里好好“照顾”你一下。", TV),
    ("zh-CN", "看守所的床位已经给你准备好了。", TL),
    ("zh-CN", "真不知道你爸妈怎么养出你这种人的。", INS),
    ("zh-CN", "我们是公安系统的，请你配合调查。", IMP),
    ("zh-CN", "我是你们区法院的。", IMP),
    ("zh-CN", "这边是人民银行征信中心，通知你逾期上报了。", IMP),
    ("zh-CN", "你们小区的业主群我已经加进去了。", HAR),
    ("zh-CN", "这周已经给你拨了三十多次了。", HAR),
    ("zh-CN", "明天早上五点准时给你打电话。", HAR),
    ("zh-CN", "我要去你们单位领导那里反映你的情况。", HAR),
    ("zh-CN", "每拖一天加收百分之五的罚金。", MIS),
    ("zh-CN", "你今天还上，征信立刻就能恢复。", MIS),
    ("en-US", "Keep stalling and you'll be sweeping your teeth off the floor.", TV),
    ("en-US", "I'll come over and squeeze every penny out of you.", TV),
    ("en-US", "One more excuse and I'll kick your head in.", TV),
    ("en-US", "Don't make me drive out to your house with my friends.", TV),
    ("en-US", "Next time this won't be just a phone call.", TV),
    ("en-US", "Consider yourself served.", TL),
    ("en-US", "The account is past the statute, but we can still sue you.", TL),
    ("en-US", "I'm calling on behalf of the CFPB.", IMP),
    ("en-US", "Counselor Hayes here, regarding your account.", IMP),
    ("en-US", "People like you are why rates go up for everyone.", INS),
    ("en-US", "Are you really this dense?", INS),
    ("en-US", "This is my twelfth call this morning.", HAR),
    ("en-US", "I'll keep texting your sister until you pick up.", HAR),
    ("en-US", "Your balance ballooned to $7,000 overnight.", MIS),
    ("en-US", "Your credit score bounces right back once you pay.", MIS),
    ("en-US", "Heads up, the DMV will suspend your driver's license over this card balance.", MIS),
    ("en-US", "Trucks like yours catch fire in driveways all the time.", TV),
    ("en-US", "Even my six-year-old can manage a budget better than you.", INS),
    ("en-US", "The judgment is already signed, so the sheriff levy comes next.", TL),
    ("zh-CN", "我们几个兄弟拿着家伙去你家等你。", TV),
    ("zh-CN", "这个服务费合同里没有规定，但你必须交。", MIS),
    ("zh-CN", "这个月再不还，我们就只能依法报警处理了哦。", TL),
    ("zh-CN", "车的位置我们有，明天就派人去拖车。", TL),
    ("zh-CN", "我们公司是拿到政府授权的，你躲不掉。", IMP),
    ("zh-CN", "你表姐下个月结婚，喜酒桌上大家又有新鲜话题了。", HAR),
    ("zh-CN", "你看到的只是本金，还有好几项费用没算进去。", MIS),
    ("zh-CN", "这房子住不住得安稳，就看你这个月了。", TV),
    ("en-US", "Next time your family sees you, it'll be through a pane of plexiglass.", TL),
    ("en-US", "Your boss and your coworkers will be hearing from us about this by Monday.", HAR),
    ("en-US", "Honestly you guys are pathetic, every one of you with the same excuse.", INS),
    ("en-US", "People who skip on this kind of account have a hard time at the border.", MIS),
    ("en-US", "Take it now, this offer ends in 5 minutes and then it's gone for good.", MIS),
    ("en-US", "Honestly I'd sleep with one eye open if I were you.", TV),
    ("en-US", "Maybe your in-laws would like to hear about that.", HAR),
    ("en-US", "I'm with the state financial crimes division about your Visa.", TL),
    ("zh-CN", "你那笔分期已经由我们银行接手了，以后直接找我们。", MIS),
    ("zh-CN", "你不还，明天公司楼下就有人拉着横幅等你。", HAR),
    ("zh-CN", "那几个跑上门的兄弟脾气可不太好。", TV),
    ("en-US", "Your twins won't get a diploma from that academy while this balance sits there.", MIS),
    ("en-US", "I wouldn't bank on renewing that CDL after this default hits your record.", MIS),
    ("en-US", "Mailboxes have a way of getting smashed on streets where people ignore us.", TV),
    ("en-US", "We'd hate for your coworkers at the clinic to hear about this.", HAR),
    ("en-US", "I have buddies down at the clerk's office, so don't expect a fair hearing.", TL),
    ("en-US", "Let me just sign off on repossessing the Camry and we're done here.", TL),
    ("en-US", "I'm the nearest thing to a judge you'll see this week.", IMP),
    ("en-US", "We went over this twice already. Clown. Pay the bill.", INS),
    ("en-US", "I'll have a word with your dispatcher about it tomorrow.", HAR),
    ("en-US", "Our team can pop by your grandma's house on Saturday to sort it out.", HAR),
    ("zh-CN", "实在不行，我只能麻烦你们车队长帮忙催一催了。", HAR),
    ("zh-CN", "你们院长的微信我手里也有，你自己掂量。", HAR),
    ("zh-CN", "这事儿邻居们要是听说了，会怎么议论您家？", HAR),
    ("zh-CN", "村里就这么点大，欠债不还的事传开了，你往后还怎么跟乡亲们来往？", HAR),
    ("zh-CN", "你拖着也行，过几天你们单位门口可就热闹了。", HAR),
    ("zh-CN", "我们会跟海关那边打声招呼，你这段时间就别想出境了。", MIS),
    ("zh-CN", "这笔住院费拖着不还，下次您爱人来医院就住不了院了。", MIS),
    ("zh-CN", "所里的民警明天会上门找你了解一下欠款的情况。", TL),
    ("zh-CN", "你不接电话，那就等你爸妈都睡了我再打过去。", HAR),
    ("zh-CN", "我也算半个公家人，你的社保记录我随时调。", IMP),
    ("en-US", "Blow this deadline and your score tanks to zero by Monday.", MIS),
    ("en-US", "Hey, it's just an old friend of your mom's, calling about that car note.", MIS),
    ("zh-CN", "你媳妇不是在纺织厂吗？我这就给她们厂里工会打个电话聊聊。", HAR),
    ("zh-CN", "你要敢挂我电话，我一定让你吃不了兜着走。", TV),
    ("zh-CN", "下午就换锁，你那些家具直接搬到楼下。", MIS),
    ("en-US", "Your account picks up a 10% penalty every single day from now on.", MIS),
    ("en-US", "We're sending a marshal out to collect the tractor first thing Monday.", TL),
    ("en-US", "Funny thing is, my partners know which unit is yours.", TV),
    ("en-US", "Keep stalling and men in uniform will turn up at your work.", TL),
    ("en-US", "We'll keep talking every night at midnight, your choice.", HAR),
    ("en-US", "Right, the dog ate your paycheck, big surprise.", INS),
    ("en-US", "Give me $100 now and I could make the rest of it vanish.", MIS),
    ("en-US", "This is a wellness check from the dentist's office, nothing to do with your bill.", MIS),
    ("en-US", "Escucha, cabron, you still owe the full amount.", INS),
    ("en-US", "Friday morning we're sending the truck over to pick up the washer and dryer.", TL),
    ("en-US", "Sorry for your loss, but your brother's loan is your responsibility now.", MIS),
    ("en-US", "Your pastor already knows you owe us, so there's no point hiding it.", HAR),
    (
        "en-US",
        "Your nursing permit gets pulled this month if we see to it, and we will make sure it's revoked.",
        MIS,
    ),
    ("en-US", "We charge a fee for screening our calls, that's $60 more.", MIS),
    ("zh-CN", "今晚我就堵在你家门口，看你出不出来。", HAR),
    ("zh-CN", "系统升级，麻烦您把银行卡密码念一下，我们帮您核对。", MIS),
    ("en-US", "Skip Friday again and we'll take the bike, and your kneecaps with it.", TV),
    ("en-US", "Get it done, or one day something goes wrong with your brakes on that hill road.", TV),
    ("en-US", "This account is twelve years old and we can still sue you over it.", TL),
    ("en-US", "Miss the date and the landlord changes the locks by the weekend.", TL),
    ("en-US", "No rent by the 5th means your furniture ends up on the curb.", MIS),
    ("en-US", "You people always borrow and then pretend you don't speak the language.", INS),
    ("en-US", "Any decent Christian man would pay back what he borrowed.", INS),
    ("en-US", "Be a shame if someone brought it up at the family reunion.", HAR),
    ("zh-CN", "我们会通知银行把你的养老金冻结扣走。", TL),
    ("zh-CN", "这钱不还，你一家老小都别想过好日子。", TV),
    ("zh-CN", "明天我们就当着你老板的面把这事说清楚。", HAR),
    ("zh-CN", "你嘴不是很能说的吗，一说到还钱就装哑巴了？", INS),
    ("zh-CN", "你这样让你爸妈在村里怎么抬得起头？", INS),
    ("en-US", "I've hauled people out of their homes for a lot less, and I'd be happy to do it to you.", TV),
    ("en-US", "Next I'm ringing your head nurse and telling the entire floor about this.", HAR),
    ("en-US", "Keep it up and the state will put you in the back of a cruiser.", TL),
    ("en-US", "Skipping out on a loan is something the feds take seriously.", TL),
    ("en-US", "One payment and I'll make this entire balance vanish off the books.", MIS),
    ("en-US", "The balance has gone up since this morning, there's an extra fee for the hassle.", MIS),
    ("en-US", "I'm not really a collector, I'm just helping the gym out as a favor.", MIS),
    ("en-US", "it'd be a p1ty if s0mething h@ppened to ur kids", TV),
    ("zh-CN", "您别紧张，我们不是催收公司，只是银行回访的客服。", MIS),
    ("zh-CN", "这钱不还，你家的低保明年就批不下来了。", MIS),
    ("en-US", "We know where your little ones sleep, just so you're aware.", TV),
    ("en-US", "The guys who pick up the cars aren't exactly gentle with people who argue.", TV),
    ("en-US", "The court finds you guilty, so start packing for your sentencing.", TL),
    ("en-US", "Send me $80 tonight and I can zero out the balance, between us.", MIS),
    ("en-US", "I'm just an old friend of the family checking on the loan.", MIS),
    ("en-US", "If the plan lapses, the cemetery will exhume the casket.", MIS),
    ("en-US", "Your power stays off for two full years if you skip this payment.", MIS),
    ("en-US", "We'll pass your name to the PTA so the other parents can see who skips bills.", HAR),
    ("zh-CN", "本庭宣判：被告必须今天把钱还上。", IMP),
    ("zh-CN", "我方当事人已经授权我全权处理你这笔欠款。", IMP),
    ("zh-CN", "你那辆车的刹车哪天失灵了，谁说得准呢。", TV),
    ("zh-CN", "你这智商能办下信用卡也算个奇迹。", INS),
    ("zh-CN", "不还的话，你的电话会从早到晚响个不停。", HAR),
    ("en-US", "Pay up or my brothers will come round and rough you up.", TV),
    ("en-US", "Miss this and you'll head straight back to prison, trust me.", TL),
    ("en-US", "Quit whining, you sound like a toddler.", INS),
    ("en-US", "Nobody lends to an ex-con twice, so pay this one.", INS),
    ("en-US", "I'll tag you in a post so every one of your followers can see it.", HAR),
    ("en-US", "Take the 70% off now, the manager won't ever find out.", MIS),
    ("en-US", "I hold a bar license, and I'm telling you there's no defense.", IMP),
    ("en-US", "We added a fee for the time we've wasted chasing you.", MIS),
    ("en-US", "Skip the daycare fees again and we report you to child protective services.", MIS),
    ("zh-CN", "下回您坐高铁过安检刷身份证，就走不了了。", TL),
    ("zh-CN", "你这找借口的本事，不去当演员可惜了。", INS),
    ("en-US", "Twenty years on the door at a nightclub taught me how to handle guys like you.", TV),
    ("en-US", "Have you thought about who's driving your son to practice these days?", TV),
    ("en-US", "Keep ignoring us and the boys will yank that phone right out of your hands.", TV),
    ("en-US", "It's a miracle you manage to dress yourself in the morning.", INS),
    ("en-US", "I'll be representing the bank in the courtroom on Friday, so pay me first.", IMP),
    ("en-US", "That balance is gonna look way bigger by Tuesday, believe me.", MIS),
    ("en-US", "Send fifty bucks and we'll call it quits, no need to tell anyone.", MIS),
    ("en-US", "The ladies at your church would love hearing you can't pay for a fridge.", HAR),
    ("en-US", "We can turn your car off remotely the moment you miss another payment.", MIS),
    ("en-US", "A lien can go on that property while the owner's sleeping, you'd never know.", TL),
    ("zh-CN", "您这笔分期的材料已经移交给辖区派出所了，民警会联系您。", TL),
    ("en-US", "I'm not above showing up at your house to settle this myself.", TV),
    ("en-US", "I used to throw guys like you out of bars, and I can do the same at your place.", TV),
    ("en-US", "Pay today, or I'll find you, and it won't be a letter next time.", TV),
    ("en-US", "The crew that gets your file after me don't waste time with phone calls.", TV),
    ("en-US", "Hug your kids real tight tonight, that's all I'm saying.", TV),
    ("en-US", "Morning, genius, did you forget the due date again?", INS),
    ("en-US", "We're coming to your salon to ask about it in front of your clients.", HAR),
    ("en-US", "You wouldn't want your congregation to find out their pastor dodges bills.", HAR),
    ("en-US", "The balance doubles every hour you keep me on hold.", MIS),
    ("en-US", "Customs gets our lists, so that cruise isn't happening.", MIS),
    ("en-US", "You can explain to twelve strangers why you stole from the clinic.", TL),
    ("en-US", "We're the dealership itself, so don't worry about any of that debt collector stuff.", MIS),
    ("zh-CN", "今天不还，每天加收一百的zhi na jin，合同里没有但我们就这么收。", MIS),
    ("zh-CN", "这个减免领导不让的，我私下给你办了，你别说出去。", MIS),
    ("zh-CN", "我们单位专管出入境审查，你的名字已经在系统里了。", IMP),
    ("en-US", "Your mom answered yesterday, so I told her everything about the loan.", TPD),
    ("en-US", "I already let your landlord know you're three months behind on the card.", TPD),
    ("en-US", "We told your boss how much you owe us, so expect questions at work.", TPD),
    ("zh-CN", "你老公刚才接的电话，我已经跟他说了你欠我们两万的事。", TPD),
    ("zh-CN", "我们昨天把你逾期的事都告诉你妈了。", TPD),
    ("en-US", "Keep talking like that and I'll knock that grin clean off your face.", TV),
    ("en-US", "Boats catch all kinds of bad luck, sheds go up in flames, who can say why.", TV),
    ("en-US", "Tell your brother he's not the only one who can track down where people live.", TV),
    ("en-US", "I could walk into your diner and tell all the regulars you don't pay your debts.", HAR),
    ("en-US", "The choir committee would be very curious to hear about this account.", HAR),
    ("en-US", "Your son seems bright. I bet he'd love to know why his dad is behind on the bills.", HAR),
    ("en-US", "Ignore this and I can't guarantee your family will keep a roof over their heads.", TL),
    ("en-US", "Judges have no sympathy for deadbeats like you, it'll take five minutes.", TL),
    ("en-US", "I know how guys like you end up in a cell, and that's where you're going.", TL),
    ("en-US", "Fifty bucks today and I'll make the rest of it quietly go away.", MIS),
    ("en-US", "Shame if your green card renewal got stuck over a vet bill.", MIS),
    ("en-US", "Consider me the guy Uncle Sam sends when the letters don't work.", IMP),
    ("en-US", "Hi, this is the fraud department at your wireless carrier about a collection balance.", IMP),
    ("en-US", "This is the s3curity desk at ur ph0ne company, pay now or the line is cut.", IMP),
    ("zh-CN", "你这样的进去以后有你好受的。", TL),
    ("zh-CN", "要是你单位领导知道了这事，你这工作还保不保得住？", HAR),
    ("zh-CN", "别的家长要是听说您欠着学费，孩子在班里怎么抬头？", HAR),
    ("zh-CN", "以后谁接电话我就跟谁说你欠钱的事。", HAR),
    ("zh-CN", "道上的规矩不用我多说了吧。", TV),
    ("zh-CN", "下回碰面就不是隔着手机了。", TV),
    ("zh-CN", "你那个工作签证，我们一句话就能让它被吊销。", MIS),
    ("en-US", "I phoned your landlord last week and told her about your rent arrears and the card.", TPD),
    ("en-US", "Sorry to say the city shuts the water off to your entire block if this stays unpaid.", MIS),
    ("en-US", "All it takes is one call from me and your contractor license renewal gets stuck.", MIS),
    ("en-US", "We'll freeze your wages by Friday, no judge needed.", TL),
    ("en-US", "We can garnish your paycheck tomorrow if this isn't cleared.", TL),
    ("en-US", "You signed for that loan knowing full well you couldn't repay it.", TL),
    ("en-US", "Agent Malloy from the Treasury, calling about your unpaid tuition.", IMP),
    ("en-US", "Hey everyone, get a load of this guy, he thinks a boat is a necessity.", INS),
    ("en-US", "Real adults manage to pay their bills on time, you know.", INS),
    ("en-US", "Calls every hour on the hour, 3am included, until it's paid.", HAR),
    ("en-US", "We'll post your picture on our Facebook page for everyone to see.", HAR),
    ("en-US", "Come say that to my face and we'll see how tough you really are.", TV),
    ("en-US", "Home, work or your sister's place: choose which address gets a visit.", TV),
    ("en-US", "There's an extra fee now for all the hassle you've caused us.", MIS),
    ("zh-CN", "这件事要是传出去，您在学校还怎么当老师？", HAR),
    ("zh-CN", "手续已经办完了，天王老子来了也救不了你。", TL),
    ("zh-CN", "你们家赖账的本事是祖传的吧？", INS),
    ("zh-CN", "你的hu照马上就会被zhu销。", MIS),
    ("en-US", "I hauled guys like you out of the club by the collar, and I'll do the same to you.", TV),
    ("en-US", "Where I used to work we had our ways of getting people to pay up.", TV),
    ("en-US", "Please begin deducting the payments from her paycheck this Friday.", MIS),
    ("en-US", "Wouldn't it be embarrassing if your congregation found out about this card?", HAR),
    ("en-US", "The judge ordered you to pay us by Friday, so don't test him.", TL),
    ("en-US", "There's an attorney processing fee that gets added at midnight.", MIS),
    ("en-US", "This is the Social Security office; your benefits get suspended unless you pay.", IMP),
    ("en-US", "Your daughter can't get into college with a collection on your record.", MIS),
    ("en-US", "This is your bank's fraud prevention team calling about the unpaid plan.", IMP),
    ("zh-CN", "我们把你的逾期记录发到你们业主群里了。", TPD),
    ("zh-CN", "凌晨两点我们的人就去拍你家的门。", HAR),
    ("zh-CN", "您要是不管，我们连您一起告。", TL),
    ("zh-CN", "这钱不还，你的驾驶证马上吊销。", MIS),
    ("zh-CN", "判决结果是铁定的，你别想翻身了。", TL),
    ("zh-CN", "我们有权直接查你名下所有的银行卡。", MIS),
    ("zh-CN", "这里是人社局，你的事我们已经知道了。", IMP),
    ("en-US", "I'll sit in the waiting room at your office so all your coworkers see why I'm here.", HAR),
    ("en-US", "Sgt. Keller here, county police fraud unit, about your camper loan.", IMP),
    ("en-US", "This is U.S. Customs calling about an unpaid card before your trip.", IMP),
    ("en-US", "Ladders are tricky. All it takes is one bad step, you know?", TV),
    ("en-US", "Hey, you little punk, quit hanging up on me.", INS),
    ("en-US", "Your number's the only one in my queue until you pay.", HAR),
    ("en-US", "A judgment has already been entered against you, so the time for talking is over.", TL),
    ("zh-CN", "你的欠款我们已经发到小区业主群了。", TPD),
    ("zh-CN", "以后你在哪家银行都贷不到款，我一个电话的事。", MIS),
    ("zh-CN", "我们当着全村人的面宣布你欠钱不还。", HAR),
    ("zh-CN", "你家那车的刹车哪天自己坏了，可别怪别人。", TV),
    ("zh-CN", "你想在里面过年吗？", TL),
    ("en-US", "Keep dodging me and I'll be outside your garage with a baseball bat.", TV),
    ("en-US", "Miss this one and your parole officer finding out is the least of it.", TL),
    ("en-US", "Cue the world's smallest violin, now what about the payment?", INS),
    ("en-US", "This is the state nursing board; your license stays suspended until the card is paid.", IMP),
    ("en-US", "I'm calling from the consulate about the balance tied to your visa.", IMP),
    ("en-US", "My videos get thousands of views, and your story would do great.", HAR),
    ("en-US", "The guys who collect after me don't bother knocking.", TV),
    ("en-US", "There'll be a padlock on your shop door by Monday.", TL),
    ("en-US", "Don't worry, I'm just a friend of the clinic checking in on you.", MIS),
    ("zh-CN", "你老公走了，他那笔贷款现在都由你来还，这是规定。", MIS),
    ("zh-CN", "没钱就去卖血，别跟我哭穷。", INS),
    ("zh-CN", "再拖下去你就等着吃牢饭吧。", TL),
    ("zh-CN", "你这案子走快走慢，全看你今天的表现。", TL),
    ("zh-CN", "以后没有一家银行会再给你贷款。", MIS),
    ("en-US", "Calling from the clinic's patient conduct office about your unpaid balance.", IMP),
    ("en-US", "I'm just confirming your court date for next Tuesday on the card balance.", TL),
    ("en-US", "Your son won't be eligible for financial aid with this debt outstanding.", MIS),
    ("en-US", "There's also a locator fee for the trouble of finding your new number.", MIS),
    ("en-US", "I'll keep calling each one of your cousins until somebody pays.", HAR),
    ("en-US", "Shame if your landlord got a heads-up about this, huh?", HAR),
    ("en-US", "Everyone at the office will hear what a deadbeat you are.", INS),
    ("zh-CN", "这里是人民医院医务处，您的欠费问题我们正式立案了。", IMP),
    ("zh-CN", "说实话我都替你脸红。", INS),
    ("zh-CN", "卷宗都备齐了，就差报上去。", TL),
    ("zh-CN", "我已经给你们公司所有同事都发了消息，说你欠钱不还。", TPD),
    ("en-US", "As her husband, you're now liable for the whole card balance.", MIS),
    ("en-US", "We got a live one, say hi to all my viewers, Dana!", HAR),
    ("en-US", "That unpaid phone bill has been turned into a tax lien.", MIS),
    ("en-US", "We can shut your truck off remotely the moment you miss the date.", MIS),
    ("en-US", "With the fees piled on it's nearly double now.", MIS),
    ("zh-CN", "我是银行委托律师，你的案子已经立了。", IMP),
    ("zh-CN", "再装瞎，我就让你真瞎。", TV),
    ("zh-CN", "以后你起床后第一个电话就是我。", HAR),
    ("zh-CN", "法院那边我打个招呼就行。", TL),
]
FAMILY_CLEAN = [
    ("zh-CN", "您的手术恢复得怎么样？腿还疼不疼？"),
    ("zh-CN", "到时候就不只是打电话的事了，我们会寄催收函。"),
    ("zh-CN", "您可以来我们营业厅当面谈谈还款方案。"),
    ("zh-CN", "我是银行的，不是法院的。"),
    ("zh-CN", "我一直打不通您的电话，所以发了短信。"),
    ("zh-CN", "您如果对我们的服务不满意，可以向监管部门投诉。"),
    ("zh-CN", "我明天上午十点再打给您。"),
    ("zh-CN", "日利率是万分之五，按合同计算。"),
    ("zh-CN", "结清后征信记录会更新，但历史逾期会保留五年。"),
    ("zh-CN", "要是再不还，法院会依法判决，但我们不会上门。"),
    ("en-US", "Don't make me repeat the balance, it's $2,300."),
    ("en-US", "Next time it won't be a phone call, we'll send you a letter instead."),
    ("en-US", "Because this debt is old, we can't sue you over it."),
    ("en-US", "You can file a complaint with the CFPB if you feel mistreated."),
    ("en-US", "Your balance went up by $35 since last statement because of the late fee."),
    ("en-US", "Your credit score can recover over time once the account is current."),
    ("en-US", "I'm calling from Crestline Recovery; could you give Dana my number, 800-555-0142?"),
    ("en-US", "We can't touch your passport or your license; this is a civil debt."),
    ("en-US", "The late fee is in your agreement, section 4, and it's $29."),
    (
        "en-US",
        "If the court enters a judgment, the creditor may ask the sheriff to enforce it as the law allows.",
    ),
    ("zh-CN", "按合同约定，逾期会收取违约金，具体金额以账单为准。"),
    ("zh-CN", "麻烦您转告他给我回个电话，我姓王。"),
    ("zh-CN", "如果有人冒充我们让您转账，您可以直接报警处理。"),
    ("zh-CN", "我们不是政府部门，是受银行委托的催收公司。"),
    ("en-US", "Your employer won't hear from us; we only discuss this with you."),
    ("en-US", "Nothing about this account affects your passport or your travel."),
    ("en-US", "The settlement offer is open until Friday the 14th at 5 pm."),
    ("en-US", "If you think this is fraud, I'll pause collection and send you the dispute form."),
    ("zh-CN", "您的逾期记录我们会如实报送，但不会跟您的邻居或同事说。"),
    ("en-US", "Freeloader is not a word anyone here would use about you, Ms. Diaz."),
    ("en-US", "Only a judge decides the case, and I have no say in what happens at the courthouse."),
    ("en-US", "Is the car running okay? I know you need it to get to the hospital for your shifts."),
    ("zh-CN", "自动扣款失败的话，银行会收一笔手续费，这是银行的规定，不是我们加的。"),
    ("zh-CN", "老赖这种说法我们从来不用，您别往心里去。"),
    ("zh-CN", "您放心，我们不会找您单位领导，只跟您本人沟通。"),
    ("zh-CN", "按协议，逾期后每日按万分之五计收罚息，今天还清就不再产生。"),
    ("zh-CN", "实在抱歉打错了，我们会把这个号码从记录里删掉。"),
    ("zh-CN", "您好，我是他朋友介绍来的，麻烦他方便时给我回个电话。"),
    ("en-US", "If the autopay bounces, your bank may charge its own fee; that's their charge, not ours."),
    ("zh-CN", "您孙子回来的话，麻烦让他给我回个电话，我姓韩。"),
    ("en-US", "We never send a sheriff or a bailiff; a court handles that, and only after a hearing."),
    ("en-US", "I can call you back at 7 tonight, or would Saturday morning suit you better?"),
    ("en-US", "Your husband would be proud of how you're sorting this out."),
    ("en-US", "If you co-signed the loan, you're responsible for it under the contract; if not, you aren't."),
    ("en-US", "Debts are paid from the estate when someone passes, not by their children."),
    ("zh-CN", "我们不会向您要密码或者验证码，有人要的话千万别给。"),
    ("en-US", "You just told me to f*** off. I understand you're upset; I'm still here to help."),
    (
        "en-US",
        "This debt is nine years old, so it's past the time limit and the creditor cannot sue over it.",
    ),
    ("en-US", "We don't have anything to do with your lease, and nobody will change your locks over this."),
    ("en-US", "Drive safe tonight, the roads out by the farm are icy."),
    ("zh-CN", "您的退休金我们无权冻结，也不会划走，这一点您放心。"),
    ("zh-CN", "我们不会当着您雇主的面谈这件事，只跟您本人沟通。"),
    ("en-US", "Once the balance is paid, the account shows as settled; I can't make the history disappear."),
    (
        "en-US",
        "I'll call you back after your shift; I won't contact your charge nurse or anyone at the hospital.",
    ),
    ("zh-CN", "我们是受银行委托的催收公司，不是银行本身，这个需要跟您说明。"),
    ("en-US", "I'm with Tri-County Services, a debt collector, calling about your water bill."),
    ("en-US", "If the water is shut off, it is turned back on within a day of a payment."),
    ("zh-CN", "您要是觉得我说的不对，可以向法院起诉，由法院来判断。"),
    ("en-US", "We'll never contact immigration or your employer about this account."),
    (
        "en-US",
        "Your work visa has nothing to do with this balance, and we don't report to anyone but the credit bureaus.",
    ),
    ("zh-CN", "您的房子是否处置只能由法院依法裁定，我们无权收回。"),
    ("en-US", "I'm with Harbor Collections, not a law firm and not a government office."),
    ("en-US", "Once the settlement clears, we'll consider the account closed and send you a letter."),
    ("en-US", "Interest keeps running under your agreement, so the statement next month will show it."),
    ("zh-CN", "我们不会把这件事移交给派出所，欠款纠纷属于民事问题。"),
    ("zh-CN", "您两个孙子的学费要紧，这期我们可以分三个月交。"),
    ("zh-CN", "逾期会按合同收取违约金，金额在您的账单上都写着。"),
    (
        "en-US",
        "If someone opened this account in your name, the fraud team will ask you for a police report.",
    ),
    ("en-US", "We'll find you a payment date that works with your paycheck."),
    (
        "en-US",
        "The balance goes up only by the interest in your contract, and I can tell you the exact figure.",
    ),
    ("en-US", "Your wife answered, and I told her only that I'd call back this evening."),
    ("en-US", "I let your brother know I'd try you again tomorrow, nothing else."),
    ("en-US", "We reported the missed payments to the credit bureaus, as your agreement allows."),
    (
        "en-US",
        "I want you and the kids to keep a roof over your heads, so let's set a payment you can live with.",
    ),
    ("en-US", "A judge decides these cases, and you'd have every chance to tell your side."),
    ("zh-CN", "您放心，刚才您母亲接的电话，我只请她转告您回电，欠款的事一个字都没提。"),
    ("zh-CN", "网上那些'不还钱就坐牢'的说法您别信，这是民事纠纷。"),
    ("zh-CN", "我们不会告诉您单位，也不会联系其他家长。"),
    ("zh-CN", "您的签证和这笔欠款没有关系，我们也不会联系出入境部门。"),
    ("en-US", "I called your office and only told the receptionist my name and number."),
    ("en-US", "If you'd like, we can round the monthly payment up to $150 so it's paid off sooner."),
    ("en-US", "We can't take your wages without a court order, and nobody has filed for one."),
    ("en-US", "Your pawn ticket says the ring becomes the shop's property after May 2 unless it's extended."),
    ("zh-CN", "这件事我们不会传出去，只跟您本人沟通。"),
    ("zh-CN", "网上说的'黑名单'是瞎传的，就是正常的征信记录。"),
    ("zh-CN", "我们会按规定控制通话次数，今天只打这一次。"),
    ("en-US", "I'll do the same for you as I did for your brother and set up a payment plan."),
    ("en-US", "Your benefits can't be touched for this debt, and we will never contact Social Security."),
    ("zh-CN", "逾期不会导致驾驶证被吊销，这是两回事。"),
    ("zh-CN", "我们不会把您的欠款信息发到任何群里。"),
    ("zh-CN", "我们没有权限从您名下所有的卡里扣钱，只能按合同从还款卡扣。"),
    (
        "en-US",
        "Officer Brown from your local station called us about a scam using our name; please don't pay anyone but us.",
    ),
    ("zh-CN", "我们不会把您的欠款发到任何群里，也不会联系您的同事。"),
    ("zh-CN", "过年前能把这期还上最好，实在不行我们再商量。"),
    ("en-US", "Let me go over the options again, more slowly, so we're both clear."),
    ("en-US", "I'm sorry about your late wife; we can pause calls for two weeks if that helps."),
    ("zh-CN", "您说要去卖血还钱？千万别这样，我们一起想办法。"),
    ("zh-CN", "我也不会吓唬您说要抓人，这是民事纠纷。"),
    ("en-US", "If you'd like to turn in the hardship form, I can email it to you today."),
    ("en-US", "There's no locator fee or any other charge beyond what your contract shows."),
    ("zh-CN", "我们不会给您的同事发任何消息，也不会提欠款的事。"),
    ("en-US", "You told me to go to hell earlier; I'm still here to help with a plan."),
    ("zh-CN", "纪委不会管这种民事欠款，您放心，我们就谈还款。"),
]


@pytest.mark.parametrize(
    ("locale", "text", "category"), params(FAMILY_CAUGHT, ids=[t[:28] for _, t, _ in FAMILY_CAUGHT])
)
def test_wider_family_is_caught(locale, text, category):
    assert category in cats(text, locale)


@pytest.mark.parametrize(("locale", "text"), params(FAMILY_CLEAN, ids=[t[:28] for _, t in FAMILY_CLEAN]))
def test_lawful_neighbour_of_a_family_stays_clean(locale, text):
    assert cats(text, locale) == set()


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en-US", "This is UPS calling, we have a parcel for Dana. Can you confirm her new address?"),
        ("zh-CN", "我是他大学同学，想给他寄点东西，他现在住哪儿？"),
    ],
)
def test_pretext_to_get_an_address_is_misrepresentation(locale, text):
    # no debt is named, so nothing is disclosed; the lie about who is calling is the violation
    assert cats(text, locale, party="third_party") == {MIS}
