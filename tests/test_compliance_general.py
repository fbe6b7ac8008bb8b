"""Generalisation set for the compliance detector: violations worded unlike the corpus examples
(other verbs, indirect and paraphrased forms without the trigger keyword, regional Chinese,
American colloquial English, light obfuscation) and hard negatives that use trigger words
lawfully. Lines the detector still misses are marked xfail(strict=True) so the gaps stay visible
and a fix turns the mark into a failure that asks for its removal."""

import pytest
from known_misses import KNOWN

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

VIOLATIONS = {
    ("zh-CN", TV): [
        "你再装死，哪天在路上被车撞了可别怪我。",
        "我找几个人去你老家跟你爹妈聊聊。",
        "信不信我让你下半辈子坐轮椅。",
        "钱不还，我叫兄弟们去你店里坐坐。",
        "你晚上睡觉最好睁一只眼。",
        "再拖着，我们就去你孩子学校门口等你。",
        "不还钱，老子迟早把你腿打瘸。",
        "哪天碰见你，非揍得你满地找牙。",
        "你家那辆车停在楼下挺显眼的，哪天被砸了可别说没提醒你。",
        "再躲，我让你在这个城市待不下去，身上少点零件也说不定。",
    ],
    ("zh-CN", TL): [
        "你这情况够判个三五年的。",
        "我们已经联系了你户籍所在地的派出所。",
        "再不还，你就等着吃官司蹲大牢。",
        "你这是恶意逃债，公安那边随时可以立案。",
        "明天经侦的同志就会找你谈话。",
        "欠钱不还就是骗，骗了就得进去。",
        "到时候警车开到你家楼下，你脸上好看吗？",
        "我们会把你的材料移交给警方处理。",
        "法院已经对你下了拘留令。",
        "你这叫拒不执行，要被关十五天。",
    ],
    ("zh-CN", INS): [
        "你脑子是不是被门夹了？",
        "你就是个没用的东西。",
        "欠钱不还，你还要不要点脸？",
        "像你这种赖皮狗我见多了。",
        "你是猪脑子吗，连这都算不清。",
        "瞧你那穷酸样。",
        "你个瓜娃子，还钱！",
        "你个衰仔，快点还钱啦。",
        "你个扑街，仲唔还钱？",
        "你真是个怂包，敢借不敢还。",
    ],
    ("zh-CN", HAR): [
        "你不接我就一直打，打到你手机没电。",
        "我会把你的照片发到你们家族群里。",
        "你的亲戚朋友我们会一个个打电话问候。",
        "我们每天给你单位前台打电话，看你还躲不躲。",
        "你睡了我也照样打，半夜十二点见。",
        "我们会给你老板发个短信说说你欠钱的事。",
        "你的微信好友我们都会加一遍，告诉他们你的事。",
        "我把你的欠款信息印成传单发到你们小区。",
        "我们会联系你的房东，让他评评理。",
        "不还钱，我每隔十分钟给你打一个。",
    ],
    ("zh-CN", TPD): [
        "你儿子在我们这边有点账目没处理清楚。",
        "你老公信用卡刷爆了一直没结。",
        "她在我们平台借的那点钱到现在还没给。",
        "你跟你弟说一声，上个月的分期还没交。",
        "你爸的账拖了好几个月了。",
        "请你转告他，再不把钱打过来就要走法律程序了。",
        "你妹妹在我们这儿有个账户出了问题，一直在拖。",
        "你们家老李那张卡透支的钱啥时候给？",
        "麻烦你劝劝她，把钱赶紧打进来。",
        "他那个贷款都三个月没动静了。",
    ],
    ("zh-CN", IMP): [
        "本人是辖区派出所的民警小张。",
        "你好，这里是市公安局反诈中心。",
        "我是检察院过来核实情况的。",
        "我是律所的王律，代理你这个案子。",
        "我是银行法务，也是执业律师。",
        "这边是金融办，通知你配合处理。",
        "我们是银监会派下来的工作组。",
        "我是法院的执行干警。",
        "我是人民银行征信中心的，你的记录在我这。",
        "我代表县法院通知你下周来一趟。",
    ],
    ("zh-CN", MIS): [
        "今天把本金打过来，利息罚息我这边一律不收。",
        "你还了钱，我保证你的征信干干净净。",
        "不还的话全国所有银行都会拒绝你。",
        "你的信息已经被上传到全国失信人员库了。",
        "再拖下去，这笔钱一个月就能变成三倍。",
        "你还得额外交一笔两千块的外访费。",
        "你老婆作为配偶要一起还这个钱。",
        "只要今天还五千，账就清了，以后再也不会有人找你。",
        "你一不还，你父母的退休金都要被拿来抵债。",
        "逾期记录一旦上了，终生都消不掉。",
    ],
    ("en-US", TV): [
        "Keep dodging me and you'll be eating through a straw.",
        "I've got friends who'd love to have a word with you in person.",
        "Pay up, or you won't be walking right for a while.",
        "Funny how people who don't pay end up with flat tires and broken windows.",
        "I know what car you drive. Be a shame if it caught fire.",
        "We'll drag you out of that house ourselves.",
        "My guy's parked across the street from your place right now.",
        "You want to keep all your teeth? Then pay.",
        "I'll come down there and knock your head off.",
        "Keep it up and you'll disappear, pal.",
    ],
    ("en-US", TL): [
        "You'll be spending the weekend in county lockup.",
        "The DA is ready to file charges against you.",
        "Skipping out on this is basically stealing, and that's a crime.",
        "A judge already signed off on picking you up.",
        "A squad car will be at your place by six.",
        "You'll be doing time for this.",
        "We're handing your file to the state police for investigation.",
        "This is theft by deception, plain and simple.",
        "You'll have a rap sheet after this.",
        "We'll get you locked away.",
    ],
    ("en-US", INS): [
        "You're dumber than a box of rocks.",
        "Quit acting like a spoiled brat and pay.",
        "You're a sorry excuse for a human being.",
        "Only a bonehead would let a bill get this far.",
        "Go cry to your mommy.",
        "You're a freaking joke.",
        "What kind of numbskull forgets to pay for two years?",
        "You piece of garbage.",
        "Pay it, you cheapskate.",
        "You're trash, plain and simple.",
    ],
    ("en-US", HAR): [
        "I'll be blowing up your phone every ten minutes till you pick up.",
        "We'll ring you at 3 in the morning if that's what it takes.",
        "I'm going to let your HR department know what kind of employee they have.",
        "I'll shoot your sister a text and fill her in.",
        "Every one of your Facebook friends is going to get a message from us.",
        "We'll put up flyers with your name all over your block.",
        "Expect calls at your office, your mom's house, and your cell all day long.",
        "I'll keep dialing your number until your battery dies.",
        "Your pastor might be interested to learn about this.",
        "I'll be calling your job every day until your supervisor makes you pay.",
    ],
    ("en-US", TPD): [
        "Your son's got a bill with us he's been ignoring.",
        "Let him know the payments on his truck stopped coming in.",
        "She still hasn't squared up what she borrowed from us.",
        "Can you remind your husband he's a few months behind?",
        "Tell him to call about the money he borrowed.",
        "Your daughter skipped out on her car note.",
        "He maxed out his card and never paid it off.",
        "I'm with a collection agency trying to reach your brother.",
        "She ran up a tab with the bank and needs to deal with it.",
        "Your wife's account has been sent to us for nonpayment.",
    ],
    ("en-US", IMP): [
        "I'm calling from the county clerk's office about your case.",
        "This is Agent Miller with the Treasury Department.",
        "I'm an investigator with the state attorney's office.",
        "We're the legal division handling your case for the court.",
        "This is the sheriff's department calling regarding a civil matter.",
        "I'm a paralegal at Smith and Jones Legal.",
        "You've reached the office of Judge Harris.",
        "I'm Special Investigator Cole, badge number 4471.",
        "This message is from the Department of Justice.",
        "I'm an officer of the court, and I'm serving you notice.",
    ],
    ("en-US", MIS): [
        "Pay half today and I'll make the rest disappear.",
        "Your credit will be spotless once you send the money.",
        "Pay now and this never gets reported anywhere.",
        "There's a $50 fee just for paying over the phone.",
        "In two weeks you'll owe twice as much.",
        "Your name goes into a database every landlord in the country checks.",
        "Your parents co-signed by default, so they owe it too.",
        "Once you settle, your score jumps back up to 800, guaranteed.",
        "I can knock off all the interest right now, no approval needed.",
        "This debt will follow you to the grave.",
    ],
}

# (locale, text, party): lawful lines that contain trigger words.
NEGATIVES = [
    ("zh-CN", "我理解您现在不容易，工作也辛苦，我们一起想想办法。", "debtor"),
    ("zh-CN", "您刚才说“我又不是老赖”，我明白您的意思。", "debtor"),
    ("zh-CN", "很多人以为欠信用卡会坐牢，其实这是民事纠纷，不会的。", "debtor"),
    ("zh-CN", "如果您一直不处理，银行可能会依法起诉，这是正常的法律程序。", "debtor"),
    ("zh-CN", "逾期信息会按规定报送征信中心，这点需要跟您说明。", "debtor"),
    ("zh-CN", "我不是律师，具体法律问题建议您咨询专业律师。", "debtor"),
    ("zh-CN", "我是华信银行信用卡中心的小王，工号1234。", "debtor"),
    ("zh-CN", "麻烦您转告他回个电话，号码是4008001234，谢谢。", "third_party"),
    ("zh-CN", "您不要有压力，我们不会去您家，也不会找您单位。", "debtor"),
    ("zh-CN", "您放心，我们不会联系您的家人。", "debtor"),
    ("zh-CN", "只有法院才能冻结账户，我们催收员没有这个权力。", "debtor"),
    ("zh-CN", "晚上十点以后我们不会给您打电话。", "debtor"),
    ("zh-CN", "您可以先申请减免，审批结果以银行为准。", "debtor"),
    ("zh-CN", "我们这边是受华信银行委托的催收公司，不是银行本身。", "debtor"),
    ("zh-CN", "您一直都很讲信用，这次应该也是遇到难处了吧。", "debtor"),
    ("zh-CN", "请问您是他什么人？方便的话请他给我回个电话。", "third_party"),
    ("en-US", "We may report the account to the credit bureau if it stays unpaid.", "debtor"),
    ("en-US", "I'm not a lawyer, so I can't give you legal advice.", "debtor"),
    ("en-US", 'You said "I\'m not some deadbeat," and I believe you.', "debtor"),
    ("en-US", "A lot of people think you can go to jail for credit card debt, but that's a myth.", "debtor"),
    ("en-US", "If the creditor sues and wins, a court could order wage garnishment.", "debtor"),
    (
        "en-US",
        "My name is Dana and I'm with Brightline Recovery Services, a debt collection agency.",
        "debtor",
    ),
    ("en-US", "Could you ask him to give Dana a call back at 800-555-0142?", "third_party"),
    ("en-US", "I know things have been hard, and I appreciate you talking to me.", "debtor"),
    ("en-US", "We won't call before 8 in the morning or after 9 at night.", "debtor"),
    ("en-US", "Nobody is going to show up at your house.", "debtor"),
    ("en-US", "I'm not calling from the police or the court.", "debtor"),
    ("en-US", "If someone threatened you with arrest, that was wrong and you can report it.", "debtor"),
    ("en-US", "The balance won't double; interest accrues at the contract rate.", "debtor"),
    ("en-US", "I'm sorry to bother you at work; would another time be better?", "debtor"),
    ("en-US", "Is this a good time to talk, or should I call you back after 6 pm?", "debtor"),
    ("en-US", "Is this the best number to reach him? I'll try again tomorrow.", "third_party"),
]


# A second round, written after the first was covered, to check that the families carry over.
_MORE = {
    ("zh-CN", TV): [
        "你要是再不接电话，小心哪天出门被人套麻袋。",
        "我们有人专门跑你那片儿，你自己掂量。",
        "惹急了我，你那小店别想开下去，玻璃天天给你砸。",
        "你信不信我让人把你堵在巷子里。",
        "你闺女长得挺水灵的，放学路上可得看紧了。",
        "再拖，我亲自上门跟你算账。",
    ],
    ("zh-CN", TL): [
        "你要是不还，以后高铁飞机都坐不了。",
        "你这性质已经够得上刑事了。",
        "我们这边随时可以把你送进去。",
        "派出所那边已经给你挂上号了。",
        "再不还，就让你尝尝铁窗的滋味。",
        "你这是妥妥的骗贷，够你喝一壶的。",
        "等着法警上门把你带走吧。",
    ],
    ("zh-CN", INS): [
        "你这种人活着就是浪费粮食。",
        "瞅你那熊样，还好意思借钱。",
        "你是不是傻，这么简单都不懂？",
        "你个老不死的，欠钱还装糊涂。",
        "跟你这种下三滥没什么好说的。",
        "你个死扑街，钱呢？",
    ],
    ("zh-CN", HAR): [
        "我们会在你们公司群里说说这事。",
        "今晚我们轮着给你打，一分钟一个。",
        "你前妻那边我们也会打个招呼。",
        "你的大学同学我们都会联系一遍。",
        "我们会让你们村支书知道这事。",
        "以后天一亮我就给你打，天黑了接着打。",
    ],
    ("zh-CN", TPD): [
        "他在我们这儿还有三万多没结清。",
        "你让他赶紧把上个月的钱补上。",
        "她的信用卡已经停用了，一直没处理。",
        "你家那位的网贷都上门催了好几次了。",
        "你是他担保人吧？他那笔款一直没动。",
        "跟他说一声，他的车贷再不交就要收车了。",
    ],
    ("zh-CN", IMP): [
        "我是市中院执行局的工作人员。",
        "这边是区法院诉前调解中心，专门处理你的纠纷。",
        "我是公安局的协警，今天打电话提醒你。",
        "我是网警，你的账户涉嫌违规。",
        "我是银行总行风控部的，不是外包。",
        "我们是法院指定的催收机构。",
    ],
    ("zh-CN", MIS): [
        "你要是今天能还，违约金我给你一笔抹了。",
        "放心，还完我让系统把你的记录刷掉。",
        "不还的话，你的手机号也会被停掉。",
        "你的欠款已经滚到十五万了。",
        "你老公是共同借款人，他也跑不掉。",
    ],
    ("en-US", TV): [
        "You know what happens to folks who stiff us? They limp.",
        "I'd hate for your kids to see what happens next.",
        "We'll come find you, and it won't be pretty.",
        "Keep ducking me and I'll rearrange your face.",
        "You got a nice garage. Real flammable.",
        "Pay up or we'll take it out of your hide.",
    ],
    ("en-US", TL): [
        "You're looking at a felony charge for this.",
        "Cops are already on their way to your job.",
        "You'll be in an orange jumpsuit by Christmas.",
        "We've got a bench warrant lined up for you.",
        "Keep this up and you'll need a criminal defense lawyer.",
        "This is check kiting, and the bank's pressing it.",
    ],
    ("en-US", INS): [
        "You're a spineless little weasel.",
        "What a bum you are.",
        "You're as useless as a screen door on a submarine.",
        "Pay your bill, you lazy sack of crap.",
        "You sound like a total dingbat.",
        "Only a dope would ignore this.",
    ],
    ("en-US", HAR): [
        "I'll have someone call your work every hour.",
        "Guess who's going to hear about this at Sunday service?",
        "I'll text your ex and let her know.",
        "We'll call at six a.m. sharp every day.",
        "We're going to ring every number on your file until someone answers.",
        "I'll leave a message with your receptionist explaining your debt.",
    ],
    ("en-US", TPD): [
        "He's been dodging us over a car loan.",
        "Your mom has a past-due credit card with our client.",
        "Tell your husband the repo guy is coming for the truck.",
        "She's three grand in the hole with us.",
        "Your brother hasn't made a payment since March.",
        "Can you get your son to pay what he owes?",
    ],
    ("en-US", IMP): [
        "This is Detective Harper, fraud unit.",
        "I'm calling with the county prosecutor's office.",
        "We're a government-authorized collection bureau.",
        "This is Sergeant Cole; we need to talk about your debt.",
        "I'm from the IRS collections division.",
        "I work for the courthouse, processing your case.",
    ],
    ("en-US", MIS): [
        "Pay today and the interest is gone, poof.",
        "Settle now and your credit report will be squeaky clean.",
        "By next month the balance will have tripled.",
        "There's a $200 fee if I have to call you again.",
        "Your wife's credit tanks too if you don't pay.",
        "Once this hits the national debtor list you're done.",
    ],
}
for _key, _lines in _MORE.items():
    VIOLATIONS[_key] = VIOLATIONS[_key] + _lines

NEGATIVES += [
    ("zh-CN", "我们只会通过正规渠道联系您，不会上门。", "debtor"),
    ("zh-CN", "您辛苦了，这么晚还在加班。", "debtor"),
    ("zh-CN", "您说“再催我就报警”，您当然有这个权利。", "debtor"),
    ("zh-CN", "如果您每个月能还一部分，就不会一直产生罚息。", "debtor"),
    ("zh-CN", "您的家人不用替您还，这个您放心。", "debtor"),
    ("zh-CN", "利息是按合同计算的，我这边没法减免。", "debtor"),
    ("zh-CN", "您可以每隔一段时间登录app查看还款进度。", "debtor"),
    ("zh-CN", "您的贷款已经逾期三天，请尽快处理。", "debtor"),
    ("zh-CN", "还款后系统会在几个工作日内更新记录。", "debtor"),
    ("zh-CN", "我是华信银行委托的催收专员，不是律师，也不是法院的人。", "debtor"),
    ("zh-CN", "您老家那边的房子如果要卖，可以跟我们说一下还款计划。", "debtor"),
    ("zh-CN", "请问您方便时能否转告他回个电话？", "third_party"),
    ("zh-CN", "打扰您了，请问您认识张先生吗？", "third_party"),
    ("zh-CN", "您可以把钱转到官方账户，别转给个人。", "debtor"),
    ("zh-CN", "很多客户担心会被抓，其实欠款是民事问题。", "debtor"),
    ("zh-CN", "我们的通话会录音，您说的内容会如实记录。", "debtor"),
    ("en-US", "I'm calling from Brightline Recovery; this is an attempt to collect a debt.", "debtor"),
    ("en-US", "If you pay $50 today, there's no fee for using the phone system.", "debtor"),
    ("en-US", "You can make payments every two weeks if that's easier.", "debtor"),
    ("en-US", "I hear you, it's been a tough year for a lot of folks.", "debtor"),
    ("en-US", "You mentioned your sister might help; that's entirely up to her.", "debtor"),
    ("en-US", "We won't tell your employer or your family anything.", "debtor"),
    ("en-US", "Only a court can order garnishment, and nothing like that has happened.", "debtor"),
    ("en-US", "The interest won't double; it's a fixed rate.", "debtor"),
    ("en-US", "Some people think we can have them arrested, but we can't.", "debtor"),
    ("en-US", "Your credit report will show the account as paid once it clears.", "debtor"),
    ("en-US", "Hi, I'm trying to reach Michael; is this a good number for him?", "third_party"),
    ("en-US", "Could you tell him Dana called? He can reach me at 800-555-0142.", "third_party"),
    ("en-US", "You called me a bum earlier; I'd appreciate if we kept it civil.", "debtor"),
    ("en-US", "Is there a better time to call, maybe after work?", "debtor"),
    ("en-US", "I'm not a police officer or a court employee.", "debtor"),
    ("en-US", "Your payment of $120 is due on the 15th.", "debtor"),
]

# A third round, with lawful lines aimed at the wider families (family talk, identity-theft advice,
# contractual fees, conditional facts).
_THIRD = {
    ("zh-CN", TV): [
        "你最好祈祷别在路上遇见我。",
        "再不还，我让你这个年过不安生，家里鸡犬不宁。",
        "我们的人手多得很，你跑到哪都能找到你。",
        "你是想让我动手还是自己还？",
    ],
    ("zh-CN", TL): [
        "这个案子一旦移交，你就得进号子。",
        "检察院那边已经批捕了。",
        "你这样赖着不还，够得上拒执罪，要抓人的。",
        "到时候拿着手铐来找你可别哭。",
    ],
    ("zh-CN", INS): [
        "你这个人真是烂泥扶不上墙。",
        "你算个什么东西？",
        "你这种货色我见得多了。",
        "欠钱不还的都是孬种。",
    ],
    ("zh-CN", HAR): [
        "你一天不还，我一天打你家座机二十遍。",
        "我已经把你的事跟你们楼下小卖部老板说了。",
        "我们会把你的照片做成头像挂出来。",
        "我把你的号码发给几十个催收员，大家一起打。",
    ],
    ("zh-CN", TPD): [
        "你告诉他，欠我们的三万块月底前必须到账。",
        "您先生在我们这边的款项已经逾期了。",
        "他那个分期到现在一分钱没交。",
        "你女儿的花呗早就爆了。",
    ],
    ("zh-CN", IMP): [
        "我是区纪委的，找你了解点情况。",
        "我们是最高法执行系统的。",
        "我是银保监派驻的专员。",
        "我是你所在辖区的片警。",
    ],
    ("zh-CN", MIS): [
        "你只要先还一千，剩下的我们就不追了。",
        "再不还，你的社保卡就停了。",
        "你要不还，你家孩子以后当不了兵。",
        "还完这一笔，我给你开个无逾期证明。",
    ],
    ("en-US", TV): [
        "You'd better hope I don't run into you.",
        "Pay up, or somebody's gonna lose a finger.",
        "I can make things very painful for you.",
        "We've got people in your neighborhood, just so you know.",
    ],
    ("en-US", TL): [
        "This is your last chance before your Social Security gets cut.",
        "The judge will throw the book at you.",
        "You'll get a knock on your door from the sheriff tonight.",
        "We're opening a criminal case file on you.",
        "That's grounds for your arrest in this state.",
    ],
    ("en-US", INS): [
        "You're a total lowlife, you know that?",
        "What a clown.",
        "Stop being such a baby and pay.",
        "You're a bum and a freeloader.",
    ],
    ("en-US", HAR): [
        "We'll call you at work until your boss gets sick of it.",
        "I'm going to message everyone on your LinkedIn.",
        "Expect us to ring you at 5 a.m. every morning.",
        "I'll post your photo in the local Facebook group.",
    ],
    ("en-US", TPD): [
        "Your dad's three months late on his payments to us.",
        "Let her know her account is in collections.",
        "He owes $4,000, can you help him out?",
        "Your roommate skipped out on a loan with us.",
    ],
    ("en-US", IMP): [
        "I'm Officer Brown with the county.",
        "This call is from the state attorney general.",
        "We're the collections arm of the federal government.",
        "I'm your case's appointed attorney.",
    ],
    ("en-US", MIS): [
        "Pay $100 and we'll call it even.",
        "Your kids won't get into college with this on your record.",
        "I'll get the whole thing wiped from your credit file.",
    ],
}
for _key, _lines in _THIRD.items():
    VIOLATIONS[_key] = VIOLATIONS[_key] + _lines

NEGATIVES += [
    ("zh-CN", "您和家人一起商量一下还款计划吧。", "debtor"),
    ("zh-CN", "您的领导和同事我们不会联系，请放心。", "debtor"),
    ("zh-CN", "如果卡是别人冒用的，我建议您联系派出所报案。", "debtor"),
    ("zh-CN", "您可以到派出所立案，我们这边也会配合核查。", "debtor"),
    ("zh-CN", "请您要看好了还款日期，别再错过。", "debtor"),
    ("zh-CN", "天黑之前我再给您打个电话确认。", "debtor"),
    ("zh-CN", "我们会协助您联系派出所处理冒用问题。", "debtor"),
    ("zh-CN", "另外，合同约定的违约金需要一并还上。", "debtor"),
    ("zh-CN", "您可以在工作群外面找个安静地方接电话。", "debtor"),
    ("zh-CN", "您现在还没有被列入失信名单，及早处理就不会。", "debtor"),
    ("zh-CN", "违约金不会免，但可以申请分期。", "debtor"),
    ("zh-CN", "按时还款的话利息按合同计算。", "debtor"),
    ("zh-CN", "您好，我找一下王先生，我是他朋友介绍的。", "third_party"),
    ("zh-CN", "您是他家人吗？麻烦转告他回电。", "third_party"),
    ("zh-CN", "我理解，这么多钱一下子还上确实辛苦。", "debtor"),
    ("en-US", "There's a $35 late fee under your card agreement.", "debtor"),
    ("en-US", "If this is fraud, you can file a police report and send us a copy.", "debtor"),
    ("en-US", "If someone stole your identity, you can press charges against them.", "debtor"),
    ("en-US", "Should I leave a message with your wife if you're not in?", "debtor"),
    ("en-US", "You can pass the police report to us and we'll pause collection.", "debtor"),
    ("en-US", "Nothing about your credit score is guaranteed.", "debtor"),
    ("en-US", "Once it's paid, the late fees stop.", "debtor"),
    ("en-US", "Your loan payment is due Friday.", "debtor"),
    ("en-US", "I'll call you back every few days until we set up a plan, if that's okay.", "debtor"),
    ("en-US", "I'm not saying you're a deadbeat; I know things happen.", "debtor"),
    ("en-US", "You might want to talk to your family about budgeting.", "debtor"),
    ("en-US", "We're a licensed collection agency in your state.", "debtor"),
    ("en-US", "I'm a debt collector, not a court officer.", "debtor"),
    ("en-US", "Can I reach Michael at this number later today?", "third_party"),
    ("en-US", "Thanks, I'll try him again tomorrow. Have a good day.", "third_party"),
]

# A fourth round.
_FOURTH = {
    ("zh-CN", TV): [
        "你晚上回家的那条路挺黑的吧。",
        "哥几个最近手痒，正愁没地方活动筋骨。",
        "你那辆电动车可得锁好了，别哪天轮胎没了。",
        "不想见血就赶紧把钱打过来。",
    ],
    ("zh-CN", TL): [
        "不还钱以后你连火车票都买不了。",
        "你不还，你的担保人就得坐牢。",
        "你这行为已经触犯刑法了。",
        "你要是再拖，下周就有人来给你戴银镯子。",
        "我们已经把你的信息报给经侦大队了。",
        "你这是非法占有，够立案标准了。",
    ],
    ("zh-CN", INS): [
        "你怎么这么没皮没脸的。",
        "跟你说话真是对牛弹琴。",
        "你就是个吃软饭的。",
        "你这号人，狗都嫌。",
    ],
    ("zh-CN", HAR): [
        "我们会去你儿子学校找老师谈谈你的事。",
        "以后每天早上六点我准时叫你起床。",
        "你们单位的保安我们都打过招呼了。",
        "我们会给你所有的微信群发消息。",
    ],
    ("zh-CN", TPD): [
        "你哥在我们这还有笔账没平。",
        "您爱人的信用卡额度早就用完了还没还。",
        "他欠的那些我们会一直找他。",
        "麻烦你提醒一下你室友，他的借款到期了。",
    ],
    ("zh-CN", IMP): [
        "我是反诈中心的工作人员。",
        "这里是市仲裁委，关于你的案件。",
        "我是法院的调解员，代表法院跟你沟通。",
        "我们是司法鉴定中心的。",
    ],
    ("zh-CN", MIS): [
        "你今天还两千，我们就当这事没发生过。",
        "你的欠款每天按百分之十计息。",
    ],
    ("en-US", TV): [
        "I know where you park, buddy.",
        "Ever had your windows smashed? Just curious.",
        "We'll be seeing you real soon, in person.",
        "Keep playing games and you'll get what's coming to you.",
    ],
    ("en-US", TL): [
        "We'll have a deputy serve you at work in front of everyone.",
        "Not paying a debt is a federal offense.",
        "You're under investigation for check fraud.",
        "You'll be picked up and booked by Monday.",
    ],
    ("en-US", INS): [
        "You're a grown adult acting like a toddler.",
        "Nobody with half a brain would do this.",
        "You absolute muppet.",
        "What are you, some kind of con artist?",
    ],
    ("en-US", HAR): [
        "I'll ring your mother-in-law tonight and tell her everything.",
        "We'll be calling at 10:30 tonight to follow up.",
        "Your entire church group is going to get an email about this.",
        "I'm going to keep texting you every fifteen minutes.",
    ],
    ("en-US", TPD): [
        "He's in default on a personal loan.",
        "I'm calling about the money your son owes our client.",
        "Tell her the balance on her Visa is still unpaid.",
        "Your wife hasn't paid her cable bill in six months.",
    ],
    ("en-US", IMP): [
        "I'm with the State Bar, calling about your case.",
        "This is the Federal Trade Commission.",
        "I'm a court-appointed mediator for your debt case.",
        "This is Lieutenant Reyes from the county.",
    ],
    ("en-US", MIS): [
        "You'll never own a home if you don't pay this.",
        "There's an extra $500 penalty for paying late today.",
        "Your husband's paycheck can be taken for your debt.",
        "Pay now and I promise it will not appear on your credit.",
    ],
}
for _key, _lines in _FOURTH.items():
    VIOLATIONS[_key] = VIOLATIONS[_key] + _lines

NEGATIVES += [
    ("zh-CN", "路上注意安全，我们明天再联系。", "debtor"),
    ("zh-CN", "您孩子还小，家里开销大，我能理解。", "debtor"),
    ("zh-CN", "如果确实是被盗刷，您可以先去派出所报案。", "debtor"),
    ("zh-CN", "我们公司是正规的持牌机构，您可以核实。", "debtor"),
    ("zh-CN", "您刚才说“我要去法院告你们”，这是您的权利。", "debtor"),
    ("zh-CN", "逾期会影响您本人的征信，不会影响家人。", "debtor"),
    ("zh-CN", "您先别急，慢慢说，我在听。", "debtor"),
    ("zh-CN", "我们不会把您的事告诉任何人。", "debtor"),
    ("zh-CN", "每天早上九点以后我们才会联系客户。", "debtor"),
    ("zh-CN", "剩下的部分我们可以帮您申请分期。", "debtor"),
    ("zh-CN", "您说的对，之前那位同事的态度确实不好，我向您道歉。", "debtor"),
    ("zh-CN", "如果协商不成，银行可能会起诉，但具体要看法院怎么判。", "debtor"),
    ("zh-CN", "您好，请问是李女士吗？我是华信银行的。", "third_party"),
    ("zh-CN", "不好意思打扰了，可能是我拨错号码了。", "third_party"),
    ("zh-CN", "您是不是担心会被起诉？我们先看看怎么解决。", "debtor"),
    ("en-US", "Drive safe, and I'll talk to you tomorrow.", "debtor"),
    ("en-US", "I understand you have kids to feed; let's find something workable.", "debtor"),
    ("en-US", "You can contact the police if you think your card was stolen.", "debtor"),
    ("en-US", "We're licensed in your state and you can verify us with the regulator.", "debtor"),
    ("en-US", "You mentioned suing us; that's your right, of course.", "debtor"),
    ("en-US", "This only affects your credit, not your family's.", "debtor"),
    ("en-US", "Take your time, I'm listening.", "debtor"),
    ("en-US", "I'm not going to tell anyone about this.", "debtor"),
    ("en-US", "We don't call before 8 a.m. your time.", "debtor"),
    ("en-US", "For the rest, I can request a payment plan from the creditor.", "debtor"),
    ("en-US", "I'm sorry the last collector was rude to you.", "debtor"),
    ("en-US", "If the creditor sues, a judge decides what happens next.", "debtor"),
    ("en-US", "Hi, may I speak with Ms. Lee? It's Dana from Brightline.", "third_party"),
    ("en-US", "Sorry, I must have the wrong number. Have a good evening.", "third_party"),
    ("en-US", "Are you worried about being sued? Let's look at options.", "debtor"),
]

# A fifth round.
_FIFTH = {
    ("zh-CN", TV): [
        "你家楼层不高啊，跳下来也摔不死吧？",
        "我们这帮人可不是吃素的。",
        "你要敢挂我电话，明天就有人在你家门口堵你。",
    ],
    ("zh-CN", TL): [
        "再不还，你就等着上法庭被判吧，判完直接关。",
        "你这已经是老赖了，马上就要被司法拘留。",
        "警方那边我们打过招呼了。",
    ],
    ("zh-CN", INS): [
        "你这人怎么跟个无赖一样。",
        "就你这脑子还学人借钱？",
        "你真丢你爹妈的脸。",
    ],
    ("zh-CN", HAR): [
        "你儿子班级群里我们会发个通知。",
        "我们一晚上给你打了三十多个电话，你还不接？",
        "你的同事我们一个一个打过去。",
    ],
    ("zh-CN", TPD): [
        "跟您说一下，您丈夫的贷款逾期了。",
        "你们家小王在我们这的钱什么时候还？",
        "他的账单已经拖了九十天了。",
    ],
    ("zh-CN", IMP): [
        "我是人民法院执行庭的书记员。",
        "我们是公安部下属的金融犯罪调查科。",
        "这边是律师函中心，给你下最后通牒。",
    ],
    ("zh-CN", MIS): [
        "你只要今天还了，我们就能帮你把征信修复好。",
        "欠款会每个月翻一番。",
        "你不还，你老婆的工资也要被扣。",
    ],
    ("en-US", TV): [
        "If I were you, I'd start checking under my car.",
        "Let's just say my associates aren't as patient as me.",
        "You're lucky we only call.",
    ],
    ("en-US", TL): [
        "You're one missed payment away from a jail cell.",
        "The state is going to prosecute you.",
        "Expect the marshals at your door.",
    ],
    ("en-US", INS): [
        "You're a disgrace to your family.",
        "Grow a spine and pay your bills.",
        "You sound like a complete nitwit.",
    ],
    ("en-US", HAR): [
        "We'll call your office line until someone else picks up.",
        "I'll send a letter to all your neighbors.",
        "Expect a call from me at 2 a.m.",
    ],
    ("en-US", TPD): [
        "Let your son know his student loan is delinquent.",
        "She owes us about eight hundred bucks.",
        "His account went to collections last month.",
    ],
    ("en-US", IMP): [
        "I'm calling from the Attorney General's office.",
        "This is an officer with the county sheriff.",
        "I'm a federal debt investigator.",
    ],
    ("en-US", MIS): [
        "Pay today and your score goes up 100 points.",
        "You owe an extra $1,000 in court costs already.",
        "Your parents' house could be taken because of your debt.",
    ],
}
for _key, _lines in _FIFTH.items():
    VIOLATIONS[_key] = VIOLATIONS[_key] + _lines

NEGATIVES += [
    ("zh-CN", "您这个情况我们可以申请停息挂账，但需要审批。", "debtor"),
    ("zh-CN", "法院判决之后如果不履行，可能被列入失信名单，这是法律规定。", "debtor"),
    ("zh-CN", "我理解您压力大，家里老人孩子都要照顾。", "debtor"),
    ("zh-CN", "您的同事我们不会联系，这是您个人的事。", "debtor"),
    ("zh-CN", "我不是警察，也不会冒充任何机关。", "debtor"),
    ("zh-CN", "您可以拨打银行官方客服核实我的身份。", "debtor"),
    ("zh-CN", "逾期九十天以上会按规定上报，这个我需要告诉您。", "debtor"),
    ("zh-CN", "您说您“不是故意不还”，我相信您。", "debtor"),
    ("zh-CN", "请他方便的时候回个电话就好，谢谢您。", "third_party"),
    ("zh-CN", "您先喝口水，我们慢慢聊。", "debtor"),
    ("en-US", "If a judgment is entered, the court may allow garnishment under state law.", "debtor"),
    ("en-US", "I'm not threatening you; I'm just explaining the process.", "debtor"),
    ("en-US", "I won't contact your coworkers or your boss.", "debtor"),
    ("en-US", "It sounds like this has been a really rough stretch for you.", "debtor"),
    ("en-US", "You can verify my identity by calling the number on your statement.", "debtor"),
    ("en-US", "We report accurate information to the credit bureaus each month.", "debtor"),
    ("en-US", "You said you felt like a failure; you're not, this happens to lots of people.", "debtor"),
    ("en-US", "Could you let him know Dana from Brightline called? Thanks so much.", "third_party"),
    ("en-US", "I can't remove accurate information, but a dispute will be investigated.", "debtor"),
    ("en-US", "Nobody here is going to call your family.", "debtor"),
]

# A sixth round.
_SIXTH = {
    ("zh-CN", TV): [
        "你那个小卖部开得好好的，别哪天突然关门了。",
        "我劝你别让我们亲自过去。",
        "我这人脾气不好，急了什么都干得出来。",
    ],
    ("zh-CN", TL): [
        "不还的话，你这辈子都别想坐飞机。",
        "你的案子明天就转到刑侦了。",
        "再不还就让你去号里过春节。",
        "信用卡逾期超过三个月就要判刑。",
    ],
    ("zh-CN", INS): [
        "你这种人就该被钉在耻辱柱上。",
        "你个败家玩意儿。",
        "你就是个骗吃骗喝的主。",
    ],
    ("zh-CN", HAR): [
        "你们小区业主群我已经进去了。",
        "你单位门口的电子屏我们也能租。",
        "我每天换个号打给你，看你能拉黑几个。",
    ],
    ("zh-CN", TPD): [
        "您儿子的借呗已经逾期半年了。",
        "请转告她，账上还差八千。",
        "你们家那口子欠的钱你知道吗？",
    ],
    ("zh-CN", IMP): [
        "我是县法院派来送达文书的。",
        "这边是银保监投诉处理中心。",
        "我是公安局经济犯罪侦查支队的。",
    ],
    ("zh-CN", MIS): [
        "还一半就算全部结清，这是我们的特殊政策。",
        "逾期一天罚款五百。",
    ],
    ("en-US", TV): [
        "I'd sleep with one eye open if I were you.",
        "You've got a pretty wife. Be a shame.",
        "Nobody will find you if you keep this up.",
    ],
    ("en-US", TL): [
        "Your cosigner goes to jail if you don't pay.",
        "You could be extradited over this.",
        "We'll have the sheriff seize your car tonight.",
        "Dodging a debt collector is a crime in Texas.",
    ],
    ("en-US", INS): [
        "You're a leech on society.",
        "Don't be such a coward, pay up.",
        "You absolute donkey.",
    ],
    ("en-US", HAR): [
        "I'll have my whole team call you one after another.",
        "Your boss's voicemail is about to get very full.",
        "I'm going to tag you in a post about deadbeats.",
    ],
    ("en-US", TPD): [
        "Your father has an unpaid medical bill with us.",
        "Can you tell him the car is getting repossessed?",
        "Her payment plan fell through again.",
    ],
    ("en-US", IMP): [
        "This is the fraud division of the police department.",
        "I'm with the Department of Revenue.",
        "This is Judge Walker's clerk calling.",
    ],
    ("en-US", MIS): [
        "Pay now and we'll wipe out the entire balance.",
        "Your debt will keep growing by $100 a day.",
    ],
}
for _key, _lines in _SIXTH.items():
    VIOLATIONS[_key] = VIOLATIONS[_key] + _lines

NEGATIVES += [
    ("zh-CN", "您要是遇到困难，可以先还一部分，剩下的再申请分期。", "debtor"),
    ("zh-CN", "您店里最近生意不好，我理解。", "debtor"),
    ("zh-CN", "我们不会到您单位去，也不会在任何群里发消息。", "debtor"),
    ("zh-CN", "您担心的刑事责任，只有恶意透支经法院认定才可能涉及，您的情况不属于。", "debtor"),
    ("zh-CN", "我是华信银行委托的专员，不是法院派来的。", "debtor"),
    ("zh-CN", "逾期罚息按合同约定计算，具体以账单为准。", "debtor"),
    ("zh-CN", "您说您“快被逼疯了”，我听到了，我们一起想办法。", "debtor"),
    ("zh-CN", "麻烦您帮忙转告一声，请他回电，谢谢。", "third_party"),
    ("zh-CN", "请问这是王先生的电话吗？", "third_party"),
    ("zh-CN", "晚上八点前我们会再确认一次您的还款。", "debtor"),
    ("en-US", "You have the right to ask us to stop calling your workplace.", "debtor"),
    ("en-US", "I know you're trying, and I appreciate it.", "debtor"),
    ("en-US", "We don't post anything about you anywhere.", "debtor"),
    ("en-US", "Only a court can order a wage garnishment, and only after a judgment.", "debtor"),
    ("en-US", "I'm with Brightline, not the police or any government office.", "debtor"),
    ("en-US", "Interest accrues at the rate in your card agreement.", "debtor"),
    ("en-US", "You told me you felt like a loser; that's not true, lots of people fall behind.", "debtor"),
    ("en-US", "Please ask him to call Dana back when he has a minute.", "third_party"),
    ("en-US", "Is Mr. Lee available? I'll try later if not.", "third_party"),
    ("en-US", "I'll follow up by mail so you have everything in writing.", "debtor"),
]

# Everyday collector lines that share words with the wider families (account numbers, screens, halves,
# offices, letters, score talk): they must stay clean.
NEGATIVES += [
    ("zh-CN", "您的账号里目前还有一笔待还款项。", "debtor"),
    ("zh-CN", "请在还款时备注您的卡号后四位。", "debtor"),
    ("zh-CN", "您可以在手机银行的电子屏幕上查看账单。", "debtor"),
    ("zh-CN", "我们这边能帮您申请修复分期计划，但要审批。", "debtor"),
    ("zh-CN", "您先还一半，剩下的一半下个月还，可以吗？", "debtor"),
    ("zh-CN", "本金加利息一共是23600元。", "debtor"),
    ("zh-CN", "日利率是万分之五，按合同计算。", "debtor"),
    ("zh-CN", "您路上注意安全，到家了再给我回电话。", "debtor"),
    ("zh-CN", "我看您的情况，家人也挺支持您的。", "debtor"),
    ("zh-CN", "我们公司的律师服务是给银行提供的，跟您没关系。", "debtor"),
    ("zh-CN", "您可以联系客服中心核实。", "debtor"),
    ("zh-CN", "您工作群里消息多，我理解您没看到短信。", "debtor"),
    ("zh-CN", "您别着急，什么事都能商量。", "debtor"),
    ("zh-CN", "我们每天上午会给客户打一次电话。", "debtor"),
    ("zh-CN", "您放心，我们不会去您孩子学校。", "debtor"),
    ("zh-CN", "我这边只是提醒，您看好日期就行。", "debtor"),
    ("zh-CN", "您可以把钱转到官方账户，转完截图给我。", "debtor"),
    ("zh-CN", "您先生是家里的经济支柱吧？", "debtor"),
    ("zh-CN", "这个月的账单您看到了吗？", "debtor"),
    ("zh-CN", "还清以后征信会显示已结清。", "debtor"),
    ("zh-CN", "我们的同事会在下午再联系您。", "debtor"),
    ("zh-CN", "您是不是太忙了，一直没接到电话？", "debtor"),
    ("zh-CN", "如果您觉得我说的不对，可以投诉，这是您的权利。", "debtor"),
    ("zh-CN", "这事儿就咱俩商量，不会让别人知道。", "debtor"),
    ("en-US", "You can see the full balance in your online account.", "debtor"),
    ("en-US", "If you pay half now and half on the 15th, that works.", "debtor"),
    ("en-US", "Our whole team is here to help you set up a plan.", "debtor"),
    ("en-US", "You can post the payment online any time.", "debtor"),
    ("en-US", "There's no extra fee for paying by phone.", "debtor"),
    ("en-US", "I'll send a letter to your address with the details.", "debtor"),
    ("en-US", "I can't guarantee anything about your credit score.", "debtor"),
    ("en-US", "Your score may go up over time once the account is current.", "debtor"),
    ("en-US", "I'll call your cell phone between 9 and 5, if that's okay.", "debtor"),
    ("en-US", "Drive safe and take care of your family.", "debtor"),
    ("en-US", "You can reach our office until 8 p.m.", "debtor"),
    ("en-US", "Is your office line the best number to reach you?", "debtor"),
    ("en-US", "Interest accrues at 0.05% per day under the agreement.", "debtor"),
    ("en-US", "I'll note that your wife handles the bills, but I can only speak with you.", "debtor"),
    ("en-US", "You mentioned feeling like a failure; please don't be so hard on yourself.", "debtor"),
    ("en-US", "The sheriff has nothing to do with this; it's a civil account.", "debtor"),
    ("en-US", "If you feel you've been treated unfairly, you can contact the CFPB.", "debtor"),
    ("en-US", "We'll mail you a letter confirming the plan.", "debtor"),
    ("en-US", "Let's make a plan so the fees stop growing.", "debtor"),
    ("en-US", "I hear the stress in your voice; let's take it one step at a time.", "debtor"),
]

# A seventh round.
_SEVENTH = {
    ("zh-CN", TV): [
        "我们有的是人，分分钟让你躺平。",
        "你这条命值几个钱，自己想想。",
        "再拖，我让你出不了这个门。",
    ],
    ("zh-CN", TL): [
        "你这属于诈骗，我们已经录音取证准备报警了。",
        "你等着收传票然后蹲局子吧。",
        "不还钱，公安会冻结你身份证，哪也去不了。",
    ],
    ("zh-CN", INS): [
        "你这种垃圾人我见多了。",
        "你咋这么不要碧莲。",
        "你一个大男人，连这点钱都还不起，丢不丢人？",
    ],
    ("zh-CN", HAR): [
        "你爸妈那边我们天天打，打到他们劝你还。",
        "我们会把你的欠款截图发到你朋友圈评论区。",
        "今天半夜我们继续打，你别想睡。",
    ],
    ("zh-CN", TPD): [
        "您是她同事吧？她在我们这借了五万。",
        "麻烦告诉他，这个月的还款又没扣成功。",
        "你老婆的信用卡我们已经催了两个月了。",
    ],
    ("zh-CN", IMP): [
        "我是派出所的，你现在方便来一趟吗？",
        "我们是法院委托的，代表法院执行。",
        "这里是国家征信管理局。",
    ],
    ("zh-CN", MIS): [
        "只要今天转三千，以后利息一分都不用付。",
        "不还钱，你以后坐公交都要受限。",
        "你的欠款已经涨到原来的五倍了。",
    ],
    ("en-US", TV): [
        "Somebody might pay your family a visit.",
        "You don't want to find out what happens when I lose my patience.",
        "Keep it up and you'll need a bodyguard.",
    ],
    ("en-US", TL): [
        "We're sending your case to the DA on Monday.",
        "You'll be hauled into court in cuffs.",
        "This makes you a criminal, plain and simple.",
    ],
    ("en-US", INS): [
        "You're a worthless excuse for a customer.",
        "Listen, you deadbeat loser.",
        "What a scam artist you are.",
    ],
    ("en-US", HAR): [
        "I'll tell everyone at your gym.",
        "We'll keep calling your sister until she makes you pay.",
        "Expect us on your phone before sunrise.",
    ],
    ("en-US", TPD): [
        "Your husband's got a couple of missed payments with us.",
        "She owes the hospital and it's with us now.",
        "Tell your son his credit card debt is overdue.",
    ],
    ("en-US", IMP): [
        "I'm calling from the court's collections department.",
        "This is a notice from the Internal Revenue Service.",
        "I'm an investigator with the district attorney.",
    ],
    ("en-US", MIS): [
        "If you pay today, this disappears from your record.",
        "Interest doubles every month you wait.",
        "Your children inherit this debt if you don't pay.",
    ],
}
for _key, _lines in _SEVENTH.items():
    VIOLATIONS[_key] = VIOLATIONS[_key] + _lines

NEGATIVES += [
    ("zh-CN", "请您不要有顾虑，我们只是想和您商量还款。", "debtor"),
    ("zh-CN", "您的身份证信息我们会严格保密。", "debtor"),
    ("zh-CN", "您如果需要，我们可以把还款计划发到您手机上。", "debtor"),
    ("zh-CN", "您说“我不是骗子”，我们从来没这么认为。", "debtor"),
    ("zh-CN", "法院传票只有在起诉后才会送达，目前没有。", "debtor"),
    ("zh-CN", "我知道您一个人带孩子很辛苦。", "debtor"),
    ("zh-CN", "您的朋友圈我们不会看，也不会联系您的朋友。", "debtor"),
    ("zh-CN", "您先生方便接电话吗？我想找他本人说点事。", "third_party"),
    ("zh-CN", "您今天能先转三千吗？剩下的我们再约时间。", "debtor"),
    ("zh-CN", "我们不是国家机关，是银行委托的机构。", "debtor"),
    ("en-US", "Your information stays confidential with us.", "debtor"),
    ("en-US", "I'm not calling to threaten you; I want to find a plan.", "debtor"),
    ("en-US", "A summons only comes if the creditor files suit, and that hasn't happened.", "debtor"),
    ("en-US", "Raising kids alone is hard; I get it.", "debtor"),
    ("en-US", "We don't contact anyone at your gym or church.", "debtor"),
    ("en-US", "Is your husband available? I need to speak with him directly.", "third_party"),
    ("en-US", "Can you send $300 today and the rest on the 30th?", "debtor"),
    ("en-US", "We're not a government agency; we're a private collection company.", "debtor"),
    ("en-US", "Your children are not responsible for this debt.", "debtor"),
    ("en-US", "Interest is calculated monthly at the rate in your contract.", "debtor"),
]

# An eighth round.
_EIGHTH = {
    ("zh-CN", TV): [
        "小心你家的狗，最近外面不太平。",
        "你要是还想好好过日子，就别惹我们。",
        "我们去你家的时候，希望你在家。",
    ],
    ("zh-CN", TL): [
        "你这种情况，按规定是要被抓去劳教的。",
        "法院那边说了，这周就来拘你。",
        "你已经上了公安的重点人员名单。",
    ],
    ("zh-CN", INS): [
        "你真是个没救的东西。",
        "你这智商也就配欠钱。",
        "跟你这种人讲道理就是浪费口水。",
    ],
    ("zh-CN", HAR): [
        "我们会在你家门口放个花圈。",
        "你家亲戚我们都通知遍了。",
        "十点以后我们换个号接着打。",
    ],
    ("zh-CN", TPD): [
        "您父亲在我们这儿的房贷已经三期没交了。",
        "您是他老板吧，他欠我们钱一直不还。",
        "能不能帮我们催一下你姐，钱早该还了。",
    ],
    ("zh-CN", IMP): [
        "我们是互联网法院的，你的案子已经立案。",
        "我是司法所的工作人员。",
        "这里是12368法院热线。",
    ],
    ("zh-CN", MIS): [
        "今天还的话，我们可以帮你把逾期记录改成正常。",
        "你不还，你名下的所有银行卡都会作废。",
        "欠款每天都在翻倍增长。",
    ],
    ("en-US", TV): [
        "It'd be a real tragedy if your kid didn't make it home.",
        "We know people who handle problems like you.",
        "Do you like your kneecaps?",
    ],
    ("en-US", TL): [
        "A warrant gets issued if you miss Friday.",
        "The police will escort you to court.",
        "We're filing a criminal complaint this afternoon.",
    ],
    ("en-US", INS): [
        "You're pathetic.",
        "Are you deaf or just dumb?",
        "Only losers let bills go this long.",
    ],
    ("en-US", HAR): [
        "I'm going to call your wife's work too.",
        "We'll be texting your kids about this.",
        "I'll call you at midnight, count on it.",
    ],
    ("en-US", TPD): [
        "Your mom's behind on her rent-to-own payments with us.",
        "Tell him the collection agency called about his balance.",
        "Your son owes us, can you help him out?",
    ],
    ("en-US", IMP): [
        "I'm calling from the bankruptcy court.",
        "I'm an officer with the Department of Justice.",
        "This is the court clerk; your hearing is set.",
    ],
    ("en-US", MIS): [
        "Pay $50 and the whole account closes with no record.",
        "If you don't pay, your debt is reported to every employer in the state.",
        "Your debt grows 20% every week.",
    ],
}
for _key, _lines in _EIGHTH.items():
    VIOLATIONS[_key] = VIOLATIONS[_key] + _lines

NEGATIVES += [
    ("zh-CN", "您家的狗叫得挺欢，我等您安顿好再说。", "debtor"),
    ("zh-CN", "我们不会去您家，这点您放心。", "debtor"),
    ("zh-CN", "法院只有在银行起诉以后才会介入。", "debtor"),
    ("zh-CN", "我相信您不是故意的，谁都有难的时候。", "debtor"),
    ("zh-CN", "您亲戚那边我们不会联系，只跟您本人谈。", "debtor"),
    ("zh-CN", "晚上十点以后我们不会再打电话。", "debtor"),
    ("zh-CN", "麻烦您请他回个电话，我姓王。", "third_party"),
    ("zh-CN", "我是华信银行的，不是法院，也不是互联网法院。", "debtor"),
    ("zh-CN", "结清后逾期记录会如实显示为已结清，不能改成正常。", "debtor"),
    ("zh-CN", "您的银行卡不会因此作废，只是会影响征信。", "debtor"),
    ("en-US", "Sounds like your dog wants attention; I'll hold.", "debtor"),
    ("en-US", "We will not come to your home.", "debtor"),
    ("en-US", "A court only gets involved if the creditor files a lawsuit.", "debtor"),
    ("en-US", "I don't think you're doing this on purpose.", "debtor"),
    ("en-US", "We won't contact your relatives; this stays between us.", "debtor"),
    ("en-US", "We won't call after 9 p.m.", "debtor"),
    ("en-US", "Could you have him call Dana back? Thanks.", "third_party"),
    ("en-US", "I'm with Brightline, not any court.", "debtor"),
    ("en-US", "Paid accounts are reported as paid; they aren't erased.", "debtor"),
    ("en-US", "Your bank cards won't be cancelled over this.", "debtor"),
]

XFAIL = KNOWN  # lines the analyzer still misses or wrongly flags: tests/known_misses.py


def _params():
    for (locale, cat), lines in VIOLATIONS.items():
        for text in lines:
            party = "third_party" if cat == TPD else "debtor"
            marks = [pytest.mark.xfail(strict=True, reason=XFAIL[text])] if text in XFAIL else []
            yield pytest.param(locale, text, cat, party, marks=marks, id=f"{locale}-{cat}-{text[:24]}")


def _neg_params():
    for locale, text, party in NEGATIVES:
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[text])] if text in XFAIL else []
        yield pytest.param(locale, text, party, marks=marks, id=f"{locale}-neg-{text[:24]}")


@pytest.mark.parametrize(("locale", "text", "category", "party"), list(_params()))
def test_unseen_violation_is_flagged(locale, text, category, party):
    assert category in cats(text, locale, party)


@pytest.mark.parametrize(("locale", "text", "party"), list(_neg_params()))
def test_hard_negative_stays_clean(locale, text, party):
    assert cats(text, locale, party) == set()


def test_set_is_balanced():
    for (locale, cat), lines in VIOLATIONS.items():
        assert len(lines) >= 10, (locale, cat)
    for locale in ("zh-CN", "en-US"):
        assert sum(1 for loc, _, _ in NEGATIVES if loc == locale) >= 15
